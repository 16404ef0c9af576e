package dev.serverlessrunner.runner.recording;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One execution, as stored in a shard's {@code executions} table.
 *
 * @param id UUIDv7 from {@link RecordSlot#id()}; also chooses the shard
 * @param function the function's name
 * @param moduleDigest {@code sha256:…} of the module that ran
 * @param exitCode the guest's exit code, or null when it did not exit (trap, timeout, …)
 * @param outcome how the execution ended
 * @param stdoutSnippet the first at most {@value Utf8Snippet#MAX_BYTES} bytes of stdout as text
 * @param stdoutBytes how many bytes the guest wrote to stdout in total
 * @param durationUs wall-clock duration in microseconds
 * @param fuelConsumed instructions metered
 * @param error a message for a failed execution, or null
 * @param createdAt when the execution started; kept to microseconds, as PostgreSQL stores it
 * @param sleepUs microseconds of {@code durationUs} the guest spent asleep (WASI poll_oneoff),
 *     holding a worker without using fuel
 * @param stderrSnippet the first at most {@value #STDERR_SNIPPET_BYTES} bytes of stderr as text, on
 *     every outcome
 * @param traceId the W3C trace id (32 lower-case hex digits) of the invocation span, or null when
 *     tracing is off
 * @param spanId the invocation span's id (16 lower-case hex digits), or null with {@code traceId}
 */
public record ExecutionRecord(
    UUID id,
    String function,
    String moduleDigest,
    Integer exitCode,
    RecordedOutcome outcome,
    String stdoutSnippet,
    long stdoutBytes,
    long durationUs,
    long fuelConsumed,
    String error,
    Instant createdAt,
    long sleepUs,
    String stderrSnippet,
    String traceId,
    String spanId) {

  /** A record of an execution that slept {@code sleepUs}, wrote no stderr and was not traced. */
  public ExecutionRecord(
      UUID id,
      String function,
      String moduleDigest,
      Integer exitCode,
      RecordedOutcome outcome,
      String stdoutSnippet,
      long stdoutBytes,
      long durationUs,
      long fuelConsumed,
      String error,
      Instant createdAt,
      long sleepUs) {
    this(
        id,
        function,
        moduleDigest,
        exitCode,
        outcome,
        stdoutSnippet,
        stdoutBytes,
        durationUs,
        fuelConsumed,
        error,
        createdAt,
        sleepUs,
        "",
        null,
        null);
  }

  /** A record of an execution that did not sleep. */
  public ExecutionRecord(
      UUID id,
      String function,
      String moduleDigest,
      Integer exitCode,
      RecordedOutcome outcome,
      String stdoutSnippet,
      long stdoutBytes,
      long durationUs,
      long fuelConsumed,
      String error,
      Instant createdAt) {
    this(
        id,
        function,
        moduleDigest,
        exitCode,
        outcome,
        stdoutSnippet,
        stdoutBytes,
        durationUs,
        fuelConsumed,
        error,
        createdAt,
        0);
  }

  public ExecutionRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(moduleDigest, "moduleDigest");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(stdoutSnippet, "stdoutSnippet");
    Objects.requireNonNull(createdAt, "createdAt");
    // PostgreSQL text holds no NUL; a host error message could carry one from guest data.
    function = Utf8Snippet.withoutNul(function);
    moduleDigest = Utf8Snippet.withoutNul(moduleDigest);
    stdoutSnippet = Utf8Snippet.withoutNul(stdoutSnippet);
    error = cut(Utf8Snippet.withoutNul(error));
    createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
    if (sleepUs < 0) {
      throw new IllegalArgumentException("sleepUs must not be negative: " + sleepUs);
    }
    stderrSnippet = Utf8Snippet.withoutNul(Objects.requireNonNull(stderrSnippet, "stderrSnippet"));
    if ((traceId == null) != (spanId == null)) {
      throw new IllegalArgumentException("traceId and spanId come together or not at all");
    }
    requireHex(traceId, 32, "traceId");
    requireHex(spanId, 16, "spanId");
  }

  private static void requireHex(String value, int length, String name) {
    if (value == null) {
      return;
    }
    boolean valid = value.length() == length;
    for (int i = 0; valid && i < length; i++) {
      char c = value.charAt(i);
      valid = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!valid) {
      throw new IllegalArgumentException(
          name + " must be " + length + " lower-case hex digits, got '" + value + "'");
    }
  }

  /**
   * Longest error message kept, in characters: a queued record's heap stays bounded (the runner's
   * heap check counts on it), whatever text a failure carries.
   */
  public static final int MAX_ERROR_CHARS = 1024;

  /**
   * Bytes of stderr kept in the record: half the stdout snippet, since stderr carries short
   * diagnostics and every queued record counts against the heap (HeapBudget); a failed run's answer
   * quotes up to 4 KiB of it.
   */
  public static final int STDERR_SNIPPET_BYTES = 1024;

  private static String cut(String error) {
    if (error == null || error.length() <= MAX_ERROR_CHARS) {
      return error;
    }
    int end = MAX_ERROR_CHARS;
    if (Character.isHighSurrogate(error.charAt(end - 1))) {
      end--;
    }
    return error.substring(0, end);
  }

  /** This record with {@code sleepUs} microseconds asleep. */
  public ExecutionRecord withSleepUs(long value) {
    return new ExecutionRecord(
        id,
        function,
        moduleDigest,
        exitCode,
        outcome,
        stdoutSnippet,
        stdoutBytes,
        durationUs,
        fuelConsumed,
        error,
        createdAt,
        value,
        stderrSnippet,
        traceId,
        spanId);
  }

  /**
   * This record with the head of the guest's stderr, {@code stderr[0, length)}, cut like the stdout
   * snippet: at most {@value #STDERR_SNIPPET_BYTES} bytes on a UTF-8 boundary.
   */
  public ExecutionRecord withStderr(byte[] stderr, int length) {
    return new ExecutionRecord(
        id,
        function,
        moduleDigest,
        exitCode,
        outcome,
        stdoutSnippet,
        stdoutBytes,
        durationUs,
        fuelConsumed,
        error,
        createdAt,
        sleepUs,
        Utf8Snippet.of(stderr, length, STDERR_SNIPPET_BYTES),
        traceId,
        spanId);
  }

  /** This record of the invocation span {@code spanId} in trace {@code traceId} (both or none). */
  public ExecutionRecord withTrace(String traceIdValue, String spanIdValue) {
    return new ExecutionRecord(
        id,
        function,
        moduleDigest,
        exitCode,
        outcome,
        stdoutSnippet,
        stdoutBytes,
        durationUs,
        fuelConsumed,
        error,
        createdAt,
        sleepUs,
        stderrSnippet,
        traceIdValue,
        spanIdValue);
  }

  /**
   * Builds a record from the raw stdout of an execution, cutting the snippet to {@value
   * Utf8Snippet#MAX_BYTES} bytes on a UTF-8 boundary (malformed bytes become U+FFFD).
   *
   * @param stdout the captured stdout buffer; only {@code [0, stdoutLength)} is read
   * @param stdoutLength how many bytes of {@code stdout} are valid
   * @param stdoutBytes how many bytes the guest wrote in total (at least {@code stdoutLength})
   */
  public static ExecutionRecord of(
      UUID id,
      String function,
      String moduleDigest,
      Integer exitCode,
      RecordedOutcome outcome,
      byte[] stdout,
      int stdoutLength,
      long stdoutBytes,
      long durationUs,
      long fuelConsumed,
      String error,
      Instant createdAt) {
    if (stdoutBytes < stdoutLength) {
      throw new IllegalArgumentException(
          "stdoutBytes " + stdoutBytes + " < captured length " + stdoutLength);
    }
    String snippet = Utf8Snippet.of(stdout, stdoutLength, Utf8Snippet.MAX_BYTES);
    return new ExecutionRecord(
        id,
        function,
        moduleDigest,
        exitCode,
        outcome,
        snippet,
        stdoutBytes,
        durationUs,
        fuelConsumed,
        error,
        createdAt);
  }

  /** Shorthand for {@link #of} when the whole stdout was captured. */
  public static ExecutionRecord of(
      UUID id,
      String function,
      String moduleDigest,
      Integer exitCode,
      RecordedOutcome outcome,
      byte[] stdout,
      long durationUs,
      long fuelConsumed,
      String error,
      Instant createdAt) {
    return of(
        id,
        function,
        moduleDigest,
        exitCode,
        outcome,
        stdout,
        stdout.length,
        stdout.length,
        durationUs,
        fuelConsumed,
        error,
        createdAt);
  }
}
