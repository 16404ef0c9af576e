package dev.serverlessrunner.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-function resource limits for one invocation; immutable, with withers and a builder seeded
 * from {@link #DEFAULTS}.
 *
 * @param memoryBytes cap on the guest's linear memory, a multiple of the 64 KiB Wasm page
 * @param fuel instruction budget counted by the injected fuel metering
 * @param timeout wall-clock deadline of one run, enforced by interrupting the worker thread
 * @param maxStdoutBytes bytes of stdout kept; past it writes fail with EIO
 * @param maxStderrBytes bytes of stderr kept; past it writes fail with EIO
 */
public record Limits(
    long memoryBytes, long fuel, Duration timeout, int maxStdoutBytes, int maxStderrBytes) {

  /** Bytes in one Wasm page. */
  public static final int PAGE_SIZE = 65536;

  /** The largest memory a 32-bit Wasm module can address: 65,536 pages (4 GiB). */
  public static final long MAX_MEMORY_BYTES = 65536L * PAGE_SIZE;

  /** Default linear memory cap (64 MiB), also the largest initial memory a module may declare. */
  public static final long DEFAULT_MEMORY_BYTES = 64L << 20;

  /** Default fuel budget: Wasm instructions one run may execute. */
  public static final long DEFAULT_FUEL = 100_000_000L;

  /** Default wall-clock limit of one run, in seconds. */
  public static final int DEFAULT_TIMEOUT_SECONDS = 10;

  /** Default stdout kept per run (1 MiB). */
  public static final int DEFAULT_MAX_STDOUT_BYTES = 1 << 20;

  /** Default stderr kept per run (64 KiB). */
  public static final int DEFAULT_MAX_STDERR_BYTES = 64 << 10;

  /** 64 MiB memory, 100,000,000 fuel, 10 s, 1 MiB stdout, 64 KiB stderr. */
  public static final Limits DEFAULTS =
      new Limits(
          DEFAULT_MEMORY_BYTES,
          DEFAULT_FUEL,
          Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS),
          DEFAULT_MAX_STDOUT_BYTES,
          DEFAULT_MAX_STDERR_BYTES);

  public Limits {
    Objects.requireNonNull(timeout, "timeout");
    if (memoryBytes < PAGE_SIZE || memoryBytes > MAX_MEMORY_BYTES || memoryBytes % PAGE_SIZE != 0) {
      throw new IllegalArgumentException(
          "memoryBytes must be a multiple of 64 KiB between 64 KiB and 4 GiB: " + memoryBytes);
    }
    if (fuel <= 0) {
      throw new IllegalArgumentException("fuel must be positive: " + fuel);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxStdoutBytes < 0 || maxStderrBytes < 0) {
      throw new IllegalArgumentException("output caps must not be negative");
    }
  }

  /** The memory cap in Wasm pages. */
  public int memoryPages() {
    return (int) (memoryBytes / PAGE_SIZE);
  }

  public Limits withMemoryBytes(long value) {
    return new Limits(value, fuel, timeout, maxStdoutBytes, maxStderrBytes);
  }

  public Limits withFuel(long value) {
    return new Limits(memoryBytes, value, timeout, maxStdoutBytes, maxStderrBytes);
  }

  public Limits withTimeout(Duration value) {
    return new Limits(memoryBytes, fuel, value, maxStdoutBytes, maxStderrBytes);
  }

  public Limits withMaxStdoutBytes(int value) {
    return new Limits(memoryBytes, fuel, timeout, value, maxStderrBytes);
  }

  public Limits withMaxStderrBytes(int value) {
    return new Limits(memoryBytes, fuel, timeout, maxStdoutBytes, value);
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** A builder starting from these limits, for overriding a few of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable builder of {@link Limits}; not thread-safe. */
  public static final class Builder {
    private long memoryBytes;
    private long fuel;
    private Duration timeout;
    private int maxStdoutBytes;
    private int maxStderrBytes;

    private Builder(Limits from) {
      memoryBytes = from.memoryBytes;
      fuel = from.fuel;
      timeout = from.timeout;
      maxStdoutBytes = from.maxStdoutBytes;
      maxStderrBytes = from.maxStderrBytes;
    }

    public Builder memoryBytes(long value) {
      memoryBytes = value;
      return this;
    }

    public Builder fuel(long value) {
      fuel = value;
      return this;
    }

    public Builder timeout(Duration value) {
      timeout = value;
      return this;
    }

    public Builder maxStdoutBytes(int value) {
      maxStdoutBytes = value;
      return this;
    }

    public Builder maxStderrBytes(int value) {
      maxStderrBytes = value;
      return this;
    }

    public Limits build() {
      return new Limits(memoryBytes, fuel, timeout, maxStdoutBytes, maxStderrBytes);
    }
  }
}
