package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleRejectedException;
import dev.serverlessrunner.runner.metrics.FaasMetrics;
import dev.serverlessrunner.runner.source.FunctionConfig;
import dev.serverlessrunner.runner.source.FunctionDefinition;
import dev.serverlessrunner.runner.source.FunctionSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The functions this runner serves. Receives what the function source finds, compiles it off the
 * request path (on the source's thread, or a batch on one thread per core) and swaps it in
 * atomically; a module that fails to load leaves the previous version serving.
 */
public final class FunctionRegistry implements FunctionSource.Listener {

  private static final Logger LOG = Logger.getLogger(FunctionRegistry.class);

  private final Engine engine;
  private final Limits defaults;
  private final long defaultMaxRequestBytes;
  private final FunctionCeilings ceilings;
  private final int preloadParallelism;
  private final MeterRegistry registry;
  private final Map<String, ServedFunction> served = new ConcurrentHashMap<>();
  private final Map<String, String> problems = new ConcurrentHashMap<>();
  private final Counter loadFailures;

  /** A registry enforcing the default ceilings of a RunnerPool. */
  public FunctionRegistry(
      Engine engine, Limits defaults, long defaultMaxRequestBytes, MeterRegistry registry) {
    this(engine, defaults, defaultMaxRequestBytes, FunctionCeilings.DEFAULTS, registry);
  }

  /**
   * A registry refusing every function whose limits pass {@code ceilings}, loading a batch of
   * functions one per core at a time.
   */
  public FunctionRegistry(
      Engine engine,
      Limits defaults,
      long defaultMaxRequestBytes,
      FunctionCeilings ceilings,
      MeterRegistry registry) {
    this(
        engine,
        defaults,
        defaultMaxRequestBytes,
        ceilings,
        Runtime.getRuntime().availableProcessors(),
        registry);
  }

  /**
   * A registry refusing every function whose limits pass {@code ceilings}, loading at most {@code
   * preloadParallelism} modules of a batch ({@link #upsertAll}) at once.
   */
  public FunctionRegistry(
      Engine engine,
      Limits defaults,
      long defaultMaxRequestBytes,
      FunctionCeilings ceilings,
      int preloadParallelism,
      MeterRegistry registry) {
    if (preloadParallelism < 1) {
      throw new IllegalArgumentException("preloadParallelism must be at least 1");
    }
    this.preloadParallelism = preloadParallelism;
    this.registry = registry;
    this.engine = engine;
    this.defaults = defaults;
    this.defaultMaxRequestBytes = defaultMaxRequestBytes;
    this.ceilings = ceilings;
    this.loadFailures =
        Counter.builder("runner.functions.load.failures")
            .description(
                "Modules or settings that could not be loaded; the previous version serves")
            .register(registry);
    Gauge.builder("runner.functions.served", served, Map::size)
        .description("Functions this runner serves")
        .register(registry);
  }

  /** The function serving {@code name} now, if any. */
  public Optional<ServedFunction> lookup(String name) {
    return Optional.ofNullable(served.get(name));
  }

  /** Names that could not be loaded, with the reason (for health details and logs). */
  public Map<String, String> problems() {
    return Map.copyOf(problems);
  }

  /** Names served now. */
  public java.util.Set<String> names() {
    return java.util.Set.copyOf(served.keySet());
  }

  @Override
  public void upsert(FunctionDefinition definition) {
    apply(prepare(definition));
  }

  /**
   * Loads every module first, {@code preloadParallelism} at a time (loading is CPU work: parse,
   * validate, meter, compile), then swaps each function in, in the given order. Each function fails
   * or succeeds on its own, with its own reason.
   */
  @Override
  public void upsertAll(List<FunctionDefinition> definitions) {
    if (definitions.size() <= 1 || preloadParallelism <= 1) {
      definitions.forEach(this::upsert);
      return;
    }
    List<Future<Prepared>> loads = new ArrayList<>(definitions.size());
    try (ExecutorService loaders =
        Executors.newFixedThreadPool(
            Math.min(preloadParallelism, definitions.size()),
            Thread.ofPlatform().daemon().name("function-load-", 0).factory())) {
      for (FunctionDefinition definition : definitions) {
        loads.add(loaders.submit(() -> prepare(definition)));
      }
      for (Future<Prepared> load : loads) {
        apply(await(load));
      }
    }
  }

  private static Prepared await(Future<Prepared> load) {
    try {
      return load.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading functions", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** A function loaded and checked, or the reason it cannot be served; nothing swapped yet. */
  private sealed interface Prepared {}

  private record Loaded(FunctionDefinition definition, ServedFunction function, long loadNanos)
      implements Prepared {}

  private record Failed(String name, String reason) implements Prepared {}

  /** The slow part (loading the module), touching nothing shared but the engine's cache. */
  private Prepared prepare(FunctionDefinition definition) {
    String name = definition.name();
    FunctionConfig config = definition.config();
    try {
      Limits limits = limitsFor(config);
      long maxRequest =
          config.limits().maxRequestBytes() == null
              ? defaultMaxRequestBytes
              : config.limits().maxRequestBytes();
      List<String> over =
          ceilings.exceededBy(
              limits.memoryBytes(),
              limits.fuel(),
              limits.timeout(),
              limits.maxStdoutBytes(),
              maxRequest);
      if (!over.isEmpty()) {
        return new Failed(
            name,
            "limits exceed the pool's ceiling (spec.functionLimits.max): "
                + String.join(", ", over));
      }
      long loadStart = System.nanoTime();
      LoadedModule module = engine.load(definition.module());
      long loadNanos = System.nanoTime() - loadStart;
      if (module.initialPages() > limits.memoryPages()) {
        return new Failed(
            name,
            "limits: the module starts with %d memory pages, above this function's memory limit of %d pages"
                .formatted(module.initialPages(), limits.memoryPages()));
      }
      return new Loaded(
          definition,
          new ServedFunction(name, module, definition.module(), config, limits, maxRequest),
          loadNanos);
    } catch (ModuleRejectedException e) {
      return new Failed(
          name, e.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      return new Failed(name, "invalid settings: " + e.getMessage());
    }
  }

  private void apply(Prepared prepared) {
    switch (prepared) {
      case Failed f -> failed(f.name(), f.reason());
      case Loaded l -> serve(l.definition(), l.function(), l.loadNanos());
    }
  }

  private void serve(FunctionDefinition definition, ServedFunction function, long loadNanos) {
    String name = function.name();
    LoadedModule module = function.module();
    ServedFunction previous = served.put(name, function);
    problems.remove(name);
    if (previous == null || !previous.module().digest().equals(module.digest())) {
      initDuration(name).record(loadNanos, TimeUnit.NANOSECONDS);
      LOG.infof(
          "serving function %s: %s (%d bytes, compiled in %d ms%s) from %s",
          name,
          module.digest(),
          module.originalBytes(),
          module.loadNanos() / 1_000_000,
          module.interpretedFunctions() > 0
              ? ", " + module.interpretedFunctions() + " functions interpreted"
              : "",
          definition.origin());
    }
  }

  @Override
  public void remove(String name) {
    if (served.remove(name) != null) {
      LOG.infof("function %s removed: no longer served", name);
    }
    problems.remove(name);
  }

  @Override
  public void invalid(String name, String reason) {
    failed(name, reason);
  }

  private void failed(String name, String reason) {
    loadFailures.increment();
    problems.put(name, reason);
    if (served.containsKey(name)) {
      LOG.errorf(
          "function %s: new version not loaded, previous version keeps serving: %s", name, reason);
    } else {
      LOG.errorf("function %s not served: %s", name, reason);
    }
  }

  /** The function's init-duration histogram: its module versions' load times, cache hits too. */
  private Timer initDuration(String name) {
    return Timer.builder(FaasMetrics.INIT_DURATION)
        .description("Time to load a function's new module version (validate, meter, compile)")
        .tags(FaasMetrics.functionTags(name))
        .serviceLevelObjectives(FaasMetrics.INIT_DURATION_BUCKETS)
        .register(registry);
  }

  private Limits limitsFor(FunctionConfig config) {
    FunctionConfig.LimitOverrides o = config.limits();
    Limits.Builder b = defaults.toBuilder();
    if (o.memoryBytes() != null) {
      b.memoryBytes(o.memoryBytes());
    }
    if (o.fuel() != null) {
      b.fuel(o.fuel());
    }
    if (o.timeout() != null) {
      b.timeout(o.timeout());
    }
    if (o.maxStdoutBytes() != null) {
      if (o.maxStdoutBytes() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("limits.maxStdoutBytes must be below 2 GiB");
      }
      b.maxStdoutBytes(o.maxStdoutBytes().intValue());
    }
    return b.build();
  }
}
