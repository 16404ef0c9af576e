package dev.serverlessrunner.engine;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The complete, typed outcome of one run.
 *
 * <p>{@link Outcome#MEMORY_LIMIT} is a heuristic: Wasm reports a failed {@code memory.grow} by
 * returning -1, not by trapping, so a guest that dies because it could not get memory (Rust's
 * allocator aborts with {@code unreachable}) looks like any other trap. A trap is reported as
 * MEMORY_LIMIT when the guest grew its memory and, at trap time, it was within 1/16 of the cap (4
 * MiB at 64 MiB), where the next large allocation would fail; the trap message is kept.
 *
 * @param outcome how the run ended
 * @param exitCode the WASI exit code for {@link Outcome#OK} and {@link Outcome#EXIT}; -1 when the
 *     guest did not exit (trap, fuel, timeout, …)
 * @param stdout captured stdout, at most the limit's cap
 * @param stdoutTruncated whether the guest wrote more than the cap (later writes failed with EIO)
 * @param stderr captured stderr, at most the limit's cap
 * @param stderrTruncated whether the guest wrote more than the stderr cap
 * @param durationNanos wall-clock time of instantiate + run, excluding time queued
 * @param fuelConsumed fuel used (the whole budget when exhausted); 0 when nothing ran
 * @param peakMemoryPages the guest's memory size in pages at the end (Wasm memory never shrinks)
 * @param message a human-readable explanation for anything but OK; empty for OK
 * @param moduleDigest {@code sha256:<hex>} of the original module bytes, or empty if unknown
 * @param sleptNanos wall-clock time the guest spent asleep in WASI {@code poll_oneoff}, part of
 *     {@code durationNanos}: a sleeping guest holds a worker while using no fuel
 */
public record ExecutionResult(
    Outcome outcome,
    int exitCode,
    byte[] stdout,
    boolean stdoutTruncated,
    byte[] stderr,
    boolean stderrTruncated,
    long durationNanos,
    long fuelConsumed,
    int peakMemoryPages,
    String message,
    String moduleDigest,
    long sleptNanos) {

  private static final byte[] NONE = new byte[0];

  /** A result of a guest that never slept. */
  public ExecutionResult(
      Outcome outcome,
      int exitCode,
      byte[] stdout,
      boolean stdoutTruncated,
      byte[] stderr,
      boolean stderrTruncated,
      long durationNanos,
      long fuelConsumed,
      int peakMemoryPages,
      String message,
      String moduleDigest) {
    this(
        outcome,
        exitCode,
        stdout,
        stdoutTruncated,
        stderr,
        stderrTruncated,
        durationNanos,
        fuelConsumed,
        peakMemoryPages,
        message,
        moduleDigest,
        0);
  }

  public ExecutionResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(moduleDigest, "moduleDigest");
  }

  /** A result for a run that never started (refused module, saturated pool). */
  public static ExecutionResult notRun(Outcome outcome, String message, String moduleDigest) {
    return new ExecutionResult(
        outcome, -1, NONE, false, NONE, false, 0, 0, 0, message, moduleDigest);
  }

  /** Stdout decoded as UTF-8 (malformed bytes replaced). */
  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  /** Stderr decoded as UTF-8 (malformed bytes replaced). */
  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  public long durationMicros() {
    return durationNanos / 1000;
  }

  public long sleptMicros() {
    return sleptNanos / 1000;
  }

  @Override
  public String toString() {
    return "ExecutionResult[outcome=%s, exitCode=%d, stdout=%d bytes%s, stderr=%d bytes%s, fuel=%d, pages=%d, micros=%d, message=%s]"
        .formatted(
            outcome,
            exitCode,
            stdout.length,
            stdoutTruncated ? " (truncated)" : "",
            stderr.length,
            stderrTruncated ? " (truncated)" : "",
            fuelConsumed,
            peakMemoryPages,
            durationMicros(),
            message);
  }
}
