package dev.serverlessrunner.engine;

/** No module is bound to the requested function name. */
public final class UnknownFunctionException extends RuntimeException {

  private final String function;

  public UnknownFunctionException(String function) {
    super("no function named '" + function + "'");
    this.function = function;
  }

  public String function() {
    return function;
  }
}
