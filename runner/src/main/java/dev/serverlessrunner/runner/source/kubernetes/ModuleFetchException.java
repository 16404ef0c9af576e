package dev.serverlessrunner.runner.source.kubernetes;

/** A function's module bytes could not be had; the subclass says whether retrying can help. */
public abstract sealed class ModuleFetchException extends Exception
    permits ModuleUnavailableException, ModuleUnusableException {

  ModuleFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
