package dev.serverlessrunner.runner.recording;

/** Base of every failure the execution recorder reports. */
public abstract class RecorderException extends RuntimeException {

  protected RecorderException(String message, Throwable cause) {
    super(message, cause);
  }
}
