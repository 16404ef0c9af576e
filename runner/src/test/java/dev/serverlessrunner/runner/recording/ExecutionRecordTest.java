package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExecutionRecordTest {

  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05.123456789Z");

  @Test
  void factoryCutsTheSnippetAndKeepsTheTrueSize() {
    byte[] stdout = ("é".repeat(1500)).getBytes(StandardCharsets.UTF_8); // 3000 bytes
    ExecutionRecord record =
        ExecutionRecord.of(
            ExecutionIds.next(),
            "greeter",
            "sha256:ab",
            0,
            RecordedOutcome.OK,
            stdout,
            10,
            5,
            null,
            NOW);
    assertThat(record.stdoutSnippet()).isEqualTo("é".repeat(1024));
    assertThat(record.stdoutBytes()).isEqualTo(3000);
  }

  @Test
  void factoryTakesTheTotalWhenOnlyAPrefixWasCaptured() {
    byte[] captured = "abc".getBytes(StandardCharsets.UTF_8);
    ExecutionRecord record =
        ExecutionRecord.of(
            ExecutionIds.next(),
            "flood",
            "sha256:ab",
            null,
            RecordedOutcome.EXIT,
            captured,
            3,
            1_000_000,
            7,
            9,
            "stdout limit",
            NOW);
    assertThat(record.stdoutSnippet()).isEqualTo("abc");
    assertThat(record.stdoutBytes()).isEqualTo(1_000_000);
  }

  @Test
  void createdAtIsKeptToMicrosecondsLikePostgres() {
    ExecutionRecord record =
        ExecutionRecord.of(
            ExecutionIds.next(),
            "f",
            "sha256:ab",
            0,
            RecordedOutcome.OK,
            new byte[0],
            1,
            1,
            null,
            NOW);
    assertThat(record.createdAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.123456Z"));
  }

  @Test
  void nulInAnErrorMessageIsReplaced() {
    ExecutionRecord record =
        ExecutionRecord.of(
            ExecutionIds.next(),
            "f",
            "sha256:ab",
            null,
            RecordedOutcome.TRAP,
            new byte[0],
            1,
            1,
            "bad\0byte",
            NOW);
    assertThat(record.error()).isEqualTo("bad\uFFFDbyte");
  }

  @Test
  void outcomeRoundTripsThroughItsStoredName() {
    for (RecordedOutcome outcome : RecordedOutcome.values()) {
      assertThat(RecordedOutcome.fromDbName(outcome.dbName())).isEqualTo(outcome);
    }
    assertThatThrownBy(() -> RecordedOutcome.fromDbName("exploded"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
