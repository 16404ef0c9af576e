package dev.serverlessrunner.engine;

import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.pool.PoolOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of an {@link Engine}; immutable, with withers.
 *
 * @param policy what modules may use
 * @param pool worker threads, stack size, queue
 * @param cacheMaxWeightBytes bound of the module cache, in approximate bytes
 * @param mode compiled (production) or interpreted (fuel cross-checks only)
 * @param codeStoreDir where compiled modules are kept across restarts ({@code
 *     dev.serverlessrunner.engine.cache.CompiledCodeStore}); empty: nowhere
 * @param codeStoreMaxBytes bound of that directory's entries
 */
public record EngineOptions(
    ModulePolicy policy,
    PoolOptions pool,
    long cacheMaxWeightBytes,
    CompilationMode mode,
    Optional<Path> codeStoreDir,
    long codeStoreMaxBytes) {

  public EngineOptions {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(codeStoreDir, "codeStoreDir");
    if (cacheMaxWeightBytes < 0) {
      throw new IllegalArgumentException("cacheMaxWeightBytes must not be negative");
    }
  }

  /** Bound of the compiled-module cache (the runner's heap sizing counts it). */
  public static final long DEFAULT_CACHE_MAX_WEIGHT_BYTES = 256L << 20;

  /** Default bound of the compiled-module store on disk. */
  public static final long DEFAULT_CODE_STORE_MAX_BYTES = 128L << 20;

  /** Default policy, one worker per core, a 256 MiB module cache, compiled, nothing on disk. */
  public static EngineOptions defaults() {
    return new EngineOptions(
        ModulePolicy.DEFAULTS,
        PoolOptions.defaults(),
        DEFAULT_CACHE_MAX_WEIGHT_BYTES,
        CompilationMode.COMPILED,
        Optional.empty(),
        DEFAULT_CODE_STORE_MAX_BYTES);
  }

  public EngineOptions withPolicy(ModulePolicy value) {
    return new EngineOptions(
        value, pool, cacheMaxWeightBytes, mode, codeStoreDir, codeStoreMaxBytes);
  }

  public EngineOptions withPool(PoolOptions value) {
    return new EngineOptions(
        policy, value, cacheMaxWeightBytes, mode, codeStoreDir, codeStoreMaxBytes);
  }

  public EngineOptions withCacheMaxWeightBytes(long value) {
    return new EngineOptions(policy, pool, value, mode, codeStoreDir, codeStoreMaxBytes);
  }

  public EngineOptions withMode(CompilationMode value) {
    return new EngineOptions(
        policy, pool, cacheMaxWeightBytes, value, codeStoreDir, codeStoreMaxBytes);
  }

  /** Keeps compiled modules in {@code dir} (at most {@code maxBytes}) across restarts. */
  public EngineOptions withCodeStore(Path dir, long maxBytes) {
    return new EngineOptions(policy, pool, cacheMaxWeightBytes, mode, Optional.of(dir), maxBytes);
  }
}
