package dev.serverlessrunner.runner.source.kubernetes;

/**
 * The module could not be fetched for a reason that may pass by itself (API server or registry
 * down, slow or refusing us for a while): retried with backoff.
 */
public final class ModuleUnavailableException extends ModuleFetchException {

  public ModuleUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
