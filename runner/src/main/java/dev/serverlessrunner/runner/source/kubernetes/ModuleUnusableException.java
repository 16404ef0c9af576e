package dev.serverlessrunner.runner.source.kubernetes;

/**
 * The module as the cluster holds it now cannot be served (ConfigMap or key missing, bytes that do
 * not match the resolved digest, too large, unsupported source): retrying is pointless until the
 * function, its status or its ConfigMap changes.
 */
public final class ModuleUnusableException extends ModuleFetchException {

  public ModuleUnusableException(String message) {
    super(message, null);
  }

  public ModuleUnusableException(String message, Throwable cause) {
    super(message, cause);
  }
}
