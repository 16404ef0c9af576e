package dev.serverlessrunner.runner.recording.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.runner.recording.ExecutionIds;
import dev.serverlessrunner.runner.recording.ExecutionRecord;
import dev.serverlessrunner.runner.recording.RecordedOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The spool's record format: today's frames round-trip, older runners' frames still replay. */
class RecordFramesTest {

  private static final Instant CREATED = Instant.parse("2026-12-03T10:00:00.123456Z");

  @Test
  void stderrAndTraceIdsSurviveTheSpool() {
    ExecutionRecord record =
        new ExecutionRecord(
            ExecutionIds.next(),
            "exit-nonzero",
            "sha256:" + "ab".repeat(32),
            3,
            RecordedOutcome.EXIT,
            "some output",
            12,
            345,
            678,
            "Wasm exited with code 3",
            CREATED,
            9,
            "exit-nonzero: exiting with code 3 on purpose\n",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7");

    assertThat(RecordFrames.next(ByteBuffer.wrap(RecordFrames.frame(record)))).isEqualTo(record);
  }

  @Test
  void anUntracedRecordWithoutStderrSurvivesTheSpool() {
    ExecutionRecord record =
        new ExecutionRecord(
            ExecutionIds.next(),
            "greeter",
            "sha256:00",
            0,
            RecordedOutcome.OK,
            "Hello",
            5,
            10,
            20,
            null,
            CREATED);

    ExecutionRecord read = RecordFrames.next(ByteBuffer.wrap(RecordFrames.frame(record)));

    assertThat(read).isEqualTo(record);
    assertThat(read.traceId()).isNull();
    assertThat(read.stderrSnippet()).isEmpty();
  }

  @Test
  void aVersionTwoFrameLeftByAnOlderRunnerReplaysWithoutStderrOrTrace() {
    UUID id = ExecutionIds.next();
    ByteBuffer buffer = ByteBuffer.wrap(versionTwoFrame(id));

    ExecutionRecord read = RecordFrames.next(buffer);

    assertThat(read)
        .isEqualTo(
            new ExecutionRecord(
                id,
                "fib",
                "sha256:cd",
                null,
                RecordedOutcome.TRAP,
                "out",
                3,
                40,
                50,
                "trapped",
                CREATED,
                7));
    assertThat(buffer.remaining()).isZero();
  }

  /** The layout runners of spool version 2 wrote (sleep_us, no stderr or trace). */
  private static byte[] versionTwoFrame(UUID id) {
    byte[][] texts = {utf8("fib"), utf8("sha256:cd"), utf8("trap"), utf8("out"), utf8("trapped")};
    int payload = 1 + 16 + 8 * 5 + 1 + 4 + 5 * 4;
    for (byte[] text : texts) {
      payload += text.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(RecordFrames.HEADER_BYTES + payload);
    buffer.putInt(payload).putInt(0);
    buffer.put((byte) 2);
    buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    buffer.putLong(ChronoUnit.MICROS.between(Instant.EPOCH, CREATED));
    buffer.putLong(3).putLong(40).putLong(50).putLong(7);
    buffer.put((byte) 0).putInt(0);
    for (byte[] text : texts) {
      buffer.putInt(text.length).put(text);
    }
    byte[] bytes = buffer.array();
    CRC32C crc = new CRC32C();
    crc.update(bytes, RecordFrames.HEADER_BYTES, payload);
    ByteBuffer.wrap(bytes, 4, 4).putInt((int) crc.getValue());
    return bytes;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
