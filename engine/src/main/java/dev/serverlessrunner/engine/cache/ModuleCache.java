package dev.serverlessrunner.engine.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleDigest;
import dev.serverlessrunner.engine.load.ModuleLoader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.Optional;

/**
 * Loaded modules by digest, shared across threads and bounded by approximate weight in bytes
 * ({@link LoadedModule#weightBytes()}: module bytes plus compiled-code metaspace). Concurrent loads
 * of one digest compile once; the others wait for that result. Rejected modules are not cached.
 * Hits, misses and evictions are published as {@code cache.*} meters named {@code
 * runner.engine.modules}.
 */
public final class ModuleCache {

  private final ModuleLoader loader;
  private final Cache<String, LoadedModule> modules;

  public ModuleCache(ModuleLoader loader, long maxWeightBytes, MeterRegistry registry) {
    this.loader = loader;
    this.modules =
        Caffeine.newBuilder()
            .maximumWeight(maxWeightBytes)
            .weigher((String digest, LoadedModule module) -> weight(module))
            // Maintenance on the calling thread: eviction is prompt and needs no common pool.
            .executor(Runnable::run)
            .recordStats()
            .build();
    CaffeineCacheMetrics.monitor(registry, modules, "runner.engine.modules");
  }

  /**
   * The loaded module for these bytes, loading (validate, meter, compile) on a miss.
   *
   * @throws dev.serverlessrunner.engine.load.ModuleRejectedException if the bytes are invalid or
   *     refused
   */
  public LoadedModule load(byte[] wasm) {
    String digest = ModuleDigest.of(wasm);
    return modules.get(digest, key -> loader.load(wasm));
  }

  /** The cached module with this digest, if present. */
  public Optional<LoadedModule> cached(String digest) {
    return Optional.ofNullable(modules.getIfPresent(digest));
  }

  /** Approximate bytes held by the cached modules. */
  public long weightBytes() {
    return modules.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  public long size() {
    return modules.estimatedSize();
  }

  private static int weight(LoadedModule module) {
    return (int) Math.min(Integer.MAX_VALUE, module.weightBytes());
  }
}
