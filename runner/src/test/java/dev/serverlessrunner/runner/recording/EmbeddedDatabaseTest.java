package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedDatabaseTest {

  @TempDir Path dataDirectory;

  @Test
  void startsAndKeepsRecordsAcrossRestarts() throws Exception {
    ExecutionRecord written;
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory)) {
      ExecutionRecorder recorder = recorderOn(database);
      RecordSlot slot = recorder.tryReserve().orElseThrow();
      written =
          ExecutionRecord.of(
              slot.id(),
              "greeter",
              "sha256:" + "aa".repeat(32),
              0,
              RecordedOutcome.OK,
              "Hello, world!\n".getBytes(),
              321,
              4_567,
              null,
              Instant.now());
      slot.completeDurably(written).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(recorder.close(Duration.ofSeconds(10))).isZero();
    }

    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory)) {
      ExecutionRecorder recorder = recorderOn(database);
      try {
        assertThat(recorder.findById(written.id()).toCompletableFuture().get(20, TimeUnit.SECONDS))
            .contains(written);
      } finally {
        recorder.close(Duration.ofSeconds(10));
      }
    }
  }

  private static ExecutionRecorder recorderOn(EmbeddedDatabase database) throws Exception {
    ExecutionRecorder recorder =
        ExecutionRecorder.start(
            RecorderConfig.builder().shardUris(List.of(database.connectionUri())).build(),
            new SimpleMeterRegistry());
    recorder.ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return recorder;
  }
}
