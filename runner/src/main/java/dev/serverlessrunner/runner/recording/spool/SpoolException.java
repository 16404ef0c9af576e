package dev.serverlessrunner.runner.recording.spool;

import java.io.IOException;

/** A record could not be written to the local spool (disk full, I/O error, spool closed). */
public final class SpoolException extends Exception {

  public SpoolException(String message, IOException cause) {
    super(message, cause);
  }

  public SpoolException(String message) {
    super(message);
  }
}
