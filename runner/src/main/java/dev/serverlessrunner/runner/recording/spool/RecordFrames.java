package dev.serverlessrunner.runner.recording.spool;

import dev.serverlessrunner.runner.recording.ExecutionRecord;
import dev.serverlessrunner.runner.recording.RecordedOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one record: {@code [payload length: int][CRC32C of payload: int][payload]},
 * big-endian. The checksum tells a complete frame from a torn one (a write cut short by a crash or
 * a full disk): a reader stops at the first frame that is incomplete or does not match.
 */
final class RecordFrames {

  /** Bytes before the payload. */
  static final int HEADER_BYTES = 8;

  /**
   * Largest payload a reader accepts: a record holds at most a 2 KiB and a 1 KiB snippet and short
   * texts, so a larger length can only be garbage (a torn length field).
   */
  static final int MAX_PAYLOAD_BYTES = 1 << 20;

  /**
   * Version 2 added {@code sleep_us}, version 3 the stderr snippet, trace id and span id (three
   * texts after the error). Frames of every earlier version are still read: a spool left by an
   * older runner replays after an upgrade.
   */
  private static final byte VERSION = 3;

  private RecordFrames() {}

  /** The framed bytes of {@code record}. */
  static byte[] frame(ExecutionRecord record) {
    byte[] function = utf8(record.function());
    byte[] digest = utf8(record.moduleDigest());
    byte[] outcome = utf8(record.outcome().dbName());
    byte[] snippet = utf8(record.stdoutSnippet());
    byte[] error = record.error() == null ? null : utf8(record.error());
    byte[] stderr = utf8(record.stderrSnippet());
    byte[] traceId = record.traceId() == null ? null : utf8(record.traceId());
    byte[] spanId = record.spanId() == null ? null : utf8(record.spanId());
    int payload =
        1 // version
            + 16 // id
            + 8 * 5 // created_at, stdout_bytes, duration_us, fuel_consumed, sleep_us
            + 1
            + 4 // exit code flag and value
            + 8 * 4 // string lengths
            + function.length
            + digest.length
            + outcome.length
            + snippet.length
            + (error == null ? 0 : error.length)
            + stderr.length
            + (traceId == null ? 0 : traceId.length)
            + (spanId == null ? 0 : spanId.length);
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + payload);
    buffer.putInt(payload).putInt(0);
    buffer.put(VERSION);
    buffer.putLong(record.id().getMostSignificantBits());
    buffer.putLong(record.id().getLeastSignificantBits());
    buffer.putLong(ChronoUnit.MICROS.between(Instant.EPOCH, record.createdAt()));
    buffer.putLong(record.stdoutBytes());
    buffer.putLong(record.durationUs());
    buffer.putLong(record.fuelConsumed());
    buffer.putLong(record.sleepUs());
    buffer.put((byte) (record.exitCode() == null ? 0 : 1));
    buffer.putInt(record.exitCode() == null ? 0 : record.exitCode());
    putText(buffer, function);
    putText(buffer, digest);
    putText(buffer, outcome);
    putText(buffer, snippet);
    putText(buffer, error);
    putText(buffer, stderr);
    putText(buffer, traceId);
    putText(buffer, spanId);
    byte[] bytes = buffer.array();
    CRC32C crc = new CRC32C();
    crc.update(bytes, HEADER_BYTES, payload);
    ByteBuffer.wrap(bytes, 4, 4).putInt((int) crc.getValue());
    return bytes;
  }

  /**
   * Reads the frame at {@code buffer}'s position and advances past it; null, with the position
   * unchanged, when what follows is not a complete frame with a matching checksum.
   */
  static ExecutionRecord next(ByteBuffer buffer) {
    int start = buffer.position();
    if (buffer.remaining() < HEADER_BYTES) {
      return null;
    }
    int length = buffer.getInt(start);
    int expected = buffer.getInt(start + 4);
    if (length <= 0 || length > MAX_PAYLOAD_BYTES || buffer.remaining() - HEADER_BYTES < length) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(buffer.slice(start + HEADER_BYTES, length));
    if ((int) crc.getValue() != expected) {
      return null;
    }
    ByteBuffer payload = buffer.slice(start + HEADER_BYTES, length);
    ExecutionRecord record = decode(payload);
    buffer.position(start + HEADER_BYTES + length);
    return record;
  }

  private static ExecutionRecord decode(ByteBuffer in) {
    byte version = in.get();
    if (version < 1 || version > VERSION) {
      throw new IllegalStateException("unknown spool record version " + version);
    }
    UUID id = new UUID(in.getLong(), in.getLong());
    Instant createdAt = Instant.EPOCH.plus(in.getLong(), ChronoUnit.MICROS);
    long stdoutBytes = in.getLong();
    long durationUs = in.getLong();
    long fuel = in.getLong();
    long sleepUs = version >= 2 ? in.getLong() : 0;
    boolean exited = in.get() != 0;
    int exitCode = in.getInt();
    String function = text(in);
    String digest = text(in);
    RecordedOutcome outcome = RecordedOutcome.fromDbName(text(in));
    String snippet = text(in);
    String error = text(in);
    String stderr = version >= 3 ? text(in) : "";
    String traceId = version >= 3 ? text(in) : null;
    String spanId = version >= 3 ? text(in) : null;
    return new ExecutionRecord(
        id,
        function,
        digest,
        exited ? exitCode : null,
        outcome,
        snippet,
        stdoutBytes,
        durationUs,
        fuel,
        error,
        createdAt,
        sleepUs,
        stderr,
        traceId,
        spanId);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void putText(ByteBuffer buffer, byte[] text) {
    if (text == null) {
      buffer.putInt(-1);
    } else {
      buffer.putInt(text.length).put(text);
    }
  }

  private static String text(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0) {
      return null;
    }
    String text =
        new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return text;
  }
}
