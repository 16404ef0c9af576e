package dev.serverlessrunner.engine;

import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.pool.PoolOptions;
import java.util.Objects;

/**
 * Configuration of an {@link Engine}; immutable, with withers.
 *
 * @param policy what modules may use
 * @param pool worker threads, stack size, queue
 * @param cacheMaxWeightBytes bound of the module cache, in approximate bytes
 * @param mode compiled (production) or interpreted (fuel cross-checks only)
 */
public record EngineOptions(
    ModulePolicy policy, PoolOptions pool, long cacheMaxWeightBytes, CompilationMode mode) {

  public EngineOptions {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(mode, "mode");
    if (cacheMaxWeightBytes < 0) {
      throw new IllegalArgumentException("cacheMaxWeightBytes must not be negative");
    }
  }

  /** Bound of the compiled-module cache (the runner's heap sizing counts it). */
  public static final long DEFAULT_CACHE_MAX_WEIGHT_BYTES = 256L << 20;

  /** Default policy, one worker per core, a 256 MiB module cache, compiled. */
  public static EngineOptions defaults() {
    return new EngineOptions(
        ModulePolicy.DEFAULTS,
        PoolOptions.defaults(),
        DEFAULT_CACHE_MAX_WEIGHT_BYTES,
        CompilationMode.COMPILED);
  }

  public EngineOptions withPolicy(ModulePolicy value) {
    return new EngineOptions(value, pool, cacheMaxWeightBytes, mode);
  }

  public EngineOptions withPool(PoolOptions value) {
    return new EngineOptions(policy, value, cacheMaxWeightBytes, mode);
  }

  public EngineOptions withCacheMaxWeightBytes(long value) {
    return new EngineOptions(policy, pool, value, mode);
  }

  public EngineOptions withMode(CompilationMode value) {
    return new EngineOptions(policy, pool, cacheMaxWeightBytes, value);
  }
}
