package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.engine.load.ModulePolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link KubernetesFunctionSource}.
 *
 * @param namespace where the pool and its WasmFunctions live
 * @param pool the RunnerPool whose functions this runner serves
 * @param preloadTimeout how long {@code start()} waits for the informers and the initial functions
 * @param retryMin first delay before a fetch that failed for a passing reason is tried again
 * @param retryMax longest delay between such retries
 * @param maxModuleBytes largest module accepted
 */
public record KubernetesSourceOptions(
    String namespace,
    String pool,
    Duration preloadTimeout,
    Duration retryMin,
    Duration retryMax,
    long maxModuleBytes) {

  public KubernetesSourceOptions {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(pool, "pool");
    requirePositive("preloadTimeout", preloadTimeout);
    requirePositive("retryMin", retryMin);
    requirePositive("retryMax", retryMax);
    if (retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException("retryMax must not be shorter than retryMin");
    }
    if (maxModuleBytes <= 0) {
      throw new IllegalArgumentException("maxModuleBytes must be positive");
    }
  }

  /** Options for {@code pool} in {@code namespace}, every other setting at its default. */
  public static Builder builder(String namespace, String pool) {
    return new Builder(namespace, pool);
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /** Builds {@link KubernetesSourceOptions}; defaults match the runner's configuration. */
  public static final class Builder {
    private final String namespace;
    private final String pool;
    private Duration preloadTimeout = Duration.ofSeconds(60);
    private Duration retryMin = Duration.ofSeconds(1);
    private Duration retryMax = Duration.ofSeconds(60);
    private long maxModuleBytes = ModulePolicy.DEFAULT_MAX_MODULE_BYTES;

    private Builder(String namespace, String pool) {
      this.namespace = namespace;
      this.pool = pool;
    }

    public Builder preloadTimeout(Duration preloadTimeout) {
      this.preloadTimeout = preloadTimeout;
      return this;
    }

    public Builder retry(Duration min, Duration max) {
      this.retryMin = min;
      this.retryMax = max;
      return this;
    }

    public Builder maxModuleBytes(long maxModuleBytes) {
      this.maxModuleBytes = maxModuleBytes;
      return this;
    }

    public KubernetesSourceOptions build() {
      return new KubernetesSourceOptions(
          namespace, pool, preloadTimeout, retryMin, retryMax, maxModuleBytes);
    }
  }
}
