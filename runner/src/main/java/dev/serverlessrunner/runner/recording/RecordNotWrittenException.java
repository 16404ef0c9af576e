package dev.serverlessrunner.runner.recording;

import java.util.UUID;

/**
 * A durable record could not be committed before shutdown gave up on it. Also counted in {@code
 * runner.records.dropped}.
 */
public final class RecordNotWrittenException extends RecorderException {

  public RecordNotWrittenException(UUID id, String shard) {
    super(
        "execution record " + id + " was not written to shard '" + shard + "' before shutdown",
        null);
  }
}
