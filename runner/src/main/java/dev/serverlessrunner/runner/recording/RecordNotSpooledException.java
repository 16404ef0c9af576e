package dev.serverlessrunner.runner.recording;

import java.util.UUID;

/**
 * A record could not be written to the local spool before its answer (disk full, I/O error). It is
 * still queued for its shard, but a crash before its row commits would lose it: answer 503, never
 * as if it were safe.
 */
public final class RecordNotSpooledException extends RecorderException {

  public RecordNotSpooledException(UUID id, Throwable cause) {
    super("execution record " + id + " could not be spooled: " + cause.getMessage(), cause);
  }
}
