package dev.serverlessrunner.runner.recording;

/** The recorder was used after {@link ExecutionRecorder#close(java.time.Duration)}. */
public final class RecorderClosedException extends RecorderException {

  public RecorderClosedException() {
    super("the execution recorder is closed", null);
  }
}
