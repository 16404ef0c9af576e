package dev.serverlessrunner.crd.pool;

import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.crd.function.Quantities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool's {@code spec.functionLimits.max} as numbers, and the check both the operator (status) and
 * the runner (serving) apply to a function's effective limits, so the two never disagree.
 *
 * @param memoryBytes largest linear memory
 * @param fuel largest fuel budget
 * @param timeout longest wall-clock timeout
 * @param maxStdoutBytes largest stdout cap
 * @param maxRequestBytes largest request body limit
 */
public record FunctionCeilings(
    long memoryBytes, long fuel, Duration timeout, long maxStdoutBytes, long maxRequestBytes) {

  /** The ceilings a pool has when it sets none (the CRD's defaults). */
  public static final FunctionCeilings DEFAULTS =
      new FunctionCeilings(
          parseBytes(LimitCeilings.DEFAULT_MEMORY),
          LimitCeilings.DEFAULT_FUEL,
          parseDuration(LimitCeilings.DEFAULT_TIMEOUT),
          LimitCeilings.DEFAULT_MAX_STDOUT_BYTES,
          LimitCeilings.DEFAULT_MAX_REQUEST_BYTES);

  /**
   * The ceilings of {@code pool}; a field the pool leaves out has its CRD default (the API server
   * fills them in, but a pool read from an older CRD or a test server may lack them).
   */
  public static FunctionCeilings of(RunnerPool pool) {
    PoolFunctionLimits limits = pool.getSpec() == null ? null : pool.getSpec().getFunctionLimits();
    LimitCeilings max = limits == null ? null : limits.getMax();
    if (max == null) {
      return DEFAULTS;
    }
    return new FunctionCeilings(
        max.getMemory() == null ? DEFAULTS.memoryBytes : parseBytes(max.getMemory()),
        max.getFuel() == null ? DEFAULTS.fuel : max.getFuel(),
        max.getTimeout() == null ? DEFAULTS.timeout : parseDuration(max.getTimeout()),
        max.getMaxStdoutBytes() == null ? DEFAULTS.maxStdoutBytes : max.getMaxStdoutBytes(),
        max.getMaxRequestBytes() == null ? DEFAULTS.maxRequestBytes : max.getMaxRequestBytes());
  }

  /**
   * What of these effective limits passes the ceilings, one readable phrase per limit (e.g. {@code
   * "memory 256Mi > 128Mi"}); empty when everything fits.
   */
  public List<String> exceededBy(
      long memoryBytes, long fuel, Duration timeout, long maxStdoutBytes, long maxRequestBytes) {
    List<String> over = new ArrayList<>();
    if (memoryBytes > this.memoryBytes) {
      over.add("memory " + bytes(memoryBytes) + " > " + bytes(this.memoryBytes));
    }
    if (fuel > this.fuel) {
      over.add("fuel " + fuel + " > " + this.fuel);
    }
    if (timeout.compareTo(this.timeout) > 0) {
      over.add("timeout " + duration(timeout) + " > " + duration(this.timeout));
    }
    if (maxStdoutBytes > this.maxStdoutBytes) {
      over.add("maxStdoutBytes " + maxStdoutBytes + " > " + this.maxStdoutBytes);
    }
    if (maxRequestBytes > this.maxRequestBytes) {
      over.add("maxRequestBytes " + maxRequestBytes + " > " + this.maxRequestBytes);
    }
    return over;
  }

  /**
   * The effective limits of a function's {@code spec.limits}: what it sets, else the CRD default.
   * Throws {@link IllegalArgumentException} for a value the CRD's patterns would refuse.
   */
  public List<String> exceededBy(FunctionLimits limits) {
    FunctionLimits l = limits == null ? new FunctionLimits() : limits;
    return exceededBy(
        parseBytes(l.getMemory() == null ? FunctionLimits.DEFAULT_MEMORY : l.getMemory()),
        l.getFuel() == null ? FunctionLimits.DEFAULT_FUEL : l.getFuel(),
        parseDuration(l.getTimeout() == null ? FunctionLimits.DEFAULT_TIMEOUT : l.getTimeout()),
        l.getMaxStdoutBytes() == null
            ? FunctionLimits.DEFAULT_MAX_STDOUT_BYTES
            : l.getMaxStdoutBytes(),
        l.getMaxRequestBytes() == null
            ? FunctionLimits.DEFAULT_MAX_REQUEST_BYTES
            : l.getMaxRequestBytes());
  }

  /** Bytes of a Kubernetes quantity, rounded up to a whole byte. */
  public static long parseBytes(String quantity) {
    return Quantities.parseBytes("quantity", quantity);
  }

  /** A Go-style duration such as 250ms, 10s or 1m30s. */
  public static Duration parseDuration(String text) {
    return Quantities.parseDuration("duration", text);
  }

  /** 128Mi, 1536Ki or 1000000: the shortest exact binary form. */
  static String bytes(long bytes) {
    String[] units = {"Gi", "Mi", "Ki"};
    int[] shifts = {30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      if (bytes != 0 && bytes % (1L << shifts[i]) == 0) {
        return (bytes >> shifts[i]) + units[i];
      }
    }
    return Long.toString(bytes);
  }

  /** 60s, 1500ms: whole seconds when exact. */
  static String duration(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 && d.toNanos() % 1_000_000 == 0
        ? (millis / 1000) + "s"
        : d.toNanos() % 1_000_000 == 0 ? millis + "ms" : d.toNanos() + "ns";
  }
}
