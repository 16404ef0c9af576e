package dev.serverlessrunner.runner.metrics;

import io.micrometer.core.instrument.Tags;
import java.time.Duration;

/**
 * Names, labels and buckets of the invocation metrics, after OpenTelemetry's FaaS semantic
 * conventions (metric {@code faas.invocations} is {@code faas_invocations_total} in Prometheus,
 * attribute {@code faas.name} the label {@code faas_name}); runner/README.md, Metrics, lists them.
 */
public final class FaasMetrics {

  /** Invocations that succeeded. */
  public static final String INVOCATIONS = "faas.invocations";

  /** Invocations that did not succeed, timeouts included; tagged {@link #ERROR_TYPE}. */
  public static final String ERRORS = "faas.errors";

  /** Invocations stopped by fuel or by their wall-clock timeout (also counted as errors). */
  public static final String TIMEOUTS = "faas.timeouts";

  /** First invocation of each loaded module version of a function in this runner. */
  public static final String COLDSTARTS = "faas.coldstarts";

  /** Run time of every invocation (histogram, seconds). */
  public static final String INVOKE_DURATION = "faas.invoke_duration";

  /** Time to load (validate, meter, compile) a function's module version (histogram, seconds). */
  public static final String INIT_DURATION = "faas.init_duration";

  /** Guest memory at the end of each run (histogram, bytes). */
  public static final String MEM_USAGE = "faas.mem_usage";

  /** Fuel per run: the runner's own, no FaaS convention covers it. */
  public static final String FUEL = "runner.invocations.fuel";

  /** The runner's documented duration timer by function and outcome, kept as an alias. */
  public static final String LEGACY_DURATION = "runner.invocations";

  /** The function's name (OpenTelemetry {@code faas.name}). */
  public static final String NAME = "faas.name";

  /** What triggered the invocation (OpenTelemetry {@code faas.trigger}): always {@code http}. */
  public static final String TRIGGER = "faas.trigger";

  /** Why an invocation failed: the record's outcome ({@code exit}, {@code trap}, {@code fuel}…). */
  public static final String ERROR_TYPE = "error.type";

  /** Label of every runner metric naming the RunnerPool of the runner pod. */
  public static final String POOL = "pool";

  /** Bytes of one WebAssembly memory page. */
  public static final long WASM_PAGE_BYTES = 65_536;

  /**
   * Upper bounds of the duration buckets: from 50 µs (a small guest runs in well under a
   * millisecond, which the convention's 5 ms first bucket cannot resolve) to the pool's default
   * timeout ceiling of 60 s.
   */
  public static final Duration[] DURATION_BUCKETS = {
    micros(50),
    micros(100),
    micros(250),
    micros(500),
    millis(1),
    micros(2_500),
    millis(5),
    millis(10),
    millis(25),
    millis(50),
    millis(100),
    millis(250),
    millis(500),
    seconds(1),
    millis(2_500),
    seconds(5),
    seconds(10),
    seconds(30),
    seconds(60),
  };

  /** Upper bounds of the init-duration buckets: 1 ms to a minute. */
  public static final Duration[] INIT_DURATION_BUCKETS = {
    millis(1),
    millis(5),
    millis(10),
    millis(50),
    millis(100),
    millis(250),
    millis(500),
    seconds(1),
    millis(2_500),
    seconds(5),
    seconds(10),
    seconds(30),
    seconds(60),
  };

  /** Upper bounds of the memory buckets: powers of four from one page (64 KiB) to 4 GiB. */
  public static final double[] MEMORY_BUCKETS = {
    64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20, 1L << 30, 4L << 30,
  };

  private FaasMetrics() {}

  /** The labels of every per-function meter. */
  public static Tags functionTags(String function) {
    return Tags.of(NAME, function, TRIGGER, "http");
  }

  private static Duration micros(long micros) {
    return Duration.ofNanos(micros * 1_000);
  }

  private static Duration millis(long millis) {
    return Duration.ofMillis(millis);
  }

  private static Duration seconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }
}
