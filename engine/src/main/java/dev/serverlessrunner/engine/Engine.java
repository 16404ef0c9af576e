package dev.serverlessrunner.engine;

import dev.serverlessrunner.engine.cache.CompiledCodeStore;
import dev.serverlessrunner.engine.cache.ModuleCache;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModuleRejectedException;
import dev.serverlessrunner.engine.pool.ExecutionPool;
import dev.serverlessrunner.engine.sandbox.Sandbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The sandboxed execution engine: loads modules into a shared cache (off the request path) and runs
 * each invocation in a fresh sandbox on the bounded execution pool. Plain Java; which module serves
 * which function name is the runner's business (its {@code FunctionRegistry}).
 */
public final class Engine implements AutoCloseable {

  private final ModuleCache cache;
  private final ExecutionPool pool;
  private final Sandbox sandbox = new Sandbox();
  private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);

  public Engine(EngineOptions options, MeterRegistry registry) {
    ModuleLoader loader =
        new ModuleLoader(
            options.policy(),
            options.mode(),
            options
                .codeStoreDir()
                .map(dir -> new CompiledCodeStore(dir, options.codeStoreMaxBytes(), registry)),
            registry);
    this.cache = new ModuleCache(loader, options.cacheMaxWeightBytes(), registry);
    this.pool = new ExecutionPool(options.pool(), registry);
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(
          outcome,
          Counter.builder("runner.engine.executions")
              .description("Guest runs by outcome")
              .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry));
    }
  }

  /**
   * Loads (or finds in the cache) the module for these bytes; slow on a miss, so call it off the
   * request path.
   *
   * @throws ModuleRejectedException if the bytes are invalid or refused by policy
   */
  public LoadedModule load(byte[] wasm) {
    return cache.load(wasm);
  }

  /**
   * Runs a loaded module on the pool. The stage completes with a result for everything the guest
   * can do, including {@link Outcome#SATURATED} when the queue is full; it completes exceptionally
   * only if the host itself fails.
   */
  public CompletionStage<ExecutionResult> submit(LoadedModule module, Invocation invocation) {
    return pool.submit(
            invocation.limits().timeout(),
            deadline -> sandbox.run(module, invocation, deadline),
            () ->
                ExecutionResult.notRun(
                    Outcome.SATURATED, "execution queue is full", module.digest()))
        .thenApply(this::count);
  }

  /**
   * Loads the bytes and runs them: a module that cannot be loaded gives an {@link
   * Outcome#INVALID_MODULE} or {@link Outcome#REFUSED} result instead of an exception.
   */
  public CompletionStage<ExecutionResult> submit(byte[] wasm, Invocation invocation) {
    LoadedModule module;
    try {
      module = cache.load(wasm);
    } catch (ModuleRejectedException e) {
      return java.util.concurrent.CompletableFuture.completedFuture(
          count(ExecutionResult.notRun(e.outcome(), String.join("; ", e.reasons()), e.digest())));
    }
    return submit(module, invocation);
  }

  public ModuleCache cache() {
    return cache;
  }

  private ExecutionResult count(ExecutionResult result) {
    outcomes.get(result.outcome()).increment();
    return result;
  }

  @Override
  public void close() {
    pool.close();
  }
}
