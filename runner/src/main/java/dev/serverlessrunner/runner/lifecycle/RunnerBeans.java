package dev.serverlessrunner.runner.lifecycle;

import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.EngineOptions;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.cache.CompiledCodeStore;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.pool.PoolOptions;
import dev.serverlessrunner.runner.cgi.CgiHeaderPolicy;
import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.http.BodyBudget;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.recording.RecorderConfig;
import dev.serverlessrunner.runner.recording.spool.SpoolConfig;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import dev.serverlessrunner.runner.service.InvocationService;
import dev.serverlessrunner.runner.source.FunctionSource;
import dev.serverlessrunner.runner.source.kubernetes.KubernetesSources;
import dev.serverlessrunner.runner.source.local.DirectoryFunctionSource;
import dev.serverlessrunner.runner.tracing.InvocationTracing;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Builds the runner's parts from {@link RunnerConfig}; {@link RunnerLifecycle} starts and stops
 * them.
 */
@ApplicationScoped
public class RunnerBeans {

  private static final Logger LOG = Logger.getLogger(RunnerBeans.class);

  @Produces
  @Singleton
  Limits defaultLimits(RunnerConfig config) {
    RunnerConfig.Limits l = config.limits();
    return new Limits(
        l.memoryBytes(), l.fuel(), l.timeout(), l.maxStdoutBytes(), l.maxStderrBytes());
  }

  /** The most a function may ask for: its pool's spec.functionLimits.max, set by the operator. */
  static FunctionCeilings ceilings(RunnerConfig config) {
    RunnerConfig.Ceiling c = config.limits().ceiling();
    return new FunctionCeilings(
        c.memoryBytes(), c.fuel(), c.timeout(), c.stdoutBytes(), c.requestBytes());
  }

  @Produces
  @Singleton
  ModulePolicy modulePolicy(RunnerConfig config, Limits defaults) {
    // A module may start with as many pages as the largest memory a function may have; each
    // function's own cap is checked again when it runs.
    return ModulePolicy.forRunner(
        Math.max(defaults.memoryBytes(), config.limits().ceiling().memoryBytes()),
        config.functions().maxModuleBytes());
  }

  @Produces
  @Singleton
  Engine engine(RunnerConfig config, Limits defaults, ModulePolicy policy, MeterRegistry registry) {
    RunnerConfig.Execution e = config.execution();
    int threads = e.threads().orElse(Runtime.getRuntime().availableProcessors());
    RunnerConfig.Ceiling ceiling = config.limits().ceiling();
    new HeapBudget(
            threads,
            Math.max(defaults.memoryBytes(), ceiling.memoryBytes()),
            e.queueCapacity(),
            Math.max(config.limits().maxRequestBytes(), ceiling.requestBytes()),
            BodyBudget.limitBytes(config),
            Math.max(1, RecordingBackend.shardUris(config.recording().shards()).size()),
            config.recording().queueCapacity())
        .requireFits(Runtime.getRuntime().maxMemory());
    PoolOptions pool =
        PoolOptions.defaults()
            .withThreads(threads)
            .withStackSizeBytes(e.threadStackBytes())
            .withQueueCapacity(e.queueCapacity());
    return new Engine(
        withModuleCache(EngineOptions.defaults().withPool(pool).withPolicy(policy), config),
        registry);
  }

  /** The compiled-module cache on disk, unless disabled or the compiler's version is unknown. */
  static EngineOptions withModuleCache(EngineOptions options, RunnerConfig config) {
    RunnerConfig.ModuleCache cache = config.functions().moduleCache();
    if (!cache.enabled()) {
      return options;
    }
    if (CompiledCodeStore.CHICORY_VERSION.equals("unknown")) {
      LOG.warn(
          "the Chicory compiler's version is unknown: compiled modules are not kept on disk, since"
              + " code of another compiler version could not be told apart");
      return options;
    }
    Path dir = cache.dir().orElse(config.recording().spool().dir().resolve("module-cache"));
    return options.withCodeStore(dir, cache.maxBytes());
  }

  @Produces
  @Singleton
  RecordingBackend recording(
      RunnerConfig config, Vertx vertx, MeterRegistry registry, InvocationTracing tracing) {
    requireShardsInPods(config);
    RunnerConfig.Recording r = config.recording();
    RecorderConfig.Builder builder =
        RecorderConfig.builder()
            .maxRows(r.maxRows())
            .flushInterval(r.flushInterval())
            .maxInFlight(r.maxInFlight())
            .queueCapacity(r.queueCapacity())
            .tracer(tracing.recorderTracer());
    RunnerConfig.Spool spool = r.spool();
    if (spool.enabled()) {
      builder.spool(
          new SpoolConfig(
              spool.dir(),
              spool.segmentBytes(),
              spool.maxBytes(),
              spool.fsync(),
              SpoolConfig.DEFAULT_FAILURE_BACKOFF));
    }
    return RecordingBackend.start(
        builder, r.shards(), r.sslRootCert(), r.embeddedDataDir(), vertx, registry);
  }

  /**
   * Refuses a runner pod without shards: an embedded database inside the pod loses its records with
   * the pod, and each pod would answer {@code GET /executions/{id}} for its own records only.
   */
  static void requireShardsInPods(RunnerConfig config) {
    if (config.kubernetes().pool().isEmpty()
        || !RecordingBackend.shardUris(config.recording().shards()).isEmpty()
        || config.recording().allowEmbedded()) {
      return;
    }
    throw new IllegalStateException(
        "runner pod of RunnerPool "
            + config.kubernetes().pool().get()
            + " has no runner.recording.shards: refusing to start an embedded PostgreSQL inside the"
            + " pod, whose records would vanish with it. Give the RunnerPool"
            + " spec.persistence.shards (deploy/README.md, Storage), or set"
            + " runner.recording.allow-embedded=true for a throwaway test");
  }

  @Produces
  @Singleton
  ExecutionRecorder recorder(RecordingBackend backend, MeterRegistry registry) {
    ExecutionRecorder recorder = backend.recorder();
    // Degraded, not unready: the readiness details and this gauge say how many shards are down.
    Gauge.builder("runner.shards.unavailable", recorder, r -> r.unreachableShards().size())
        .description(
            "Recording shards not answering now; the runner stays ready while any has room")
        .register(registry);
    return recorder;
  }

  @Produces
  @Singleton
  FunctionRegistry functions(
      Engine engine, Limits defaults, RunnerConfig config, MeterRegistry registry) {
    return new FunctionRegistry(
        engine,
        defaults,
        config.limits().maxRequestBytes(),
        ceilings(config),
        config.functions().preloadParallelism().orElse(Runtime.getRuntime().availableProcessors()),
        registry);
  }

  @Produces
  @Singleton
  InvocationService invocations(
      RunnerConfig config, Engine engine, ExecutionRecorder recorder, MeterRegistry registry) {
    RunnerConfig.Execution e = config.execution();
    int threads = e.threads().orElse(Runtime.getRuntime().availableProcessors());
    return new InvocationService(
        engine,
        recorder,
        registry,
        threads + e.queueCapacity(),
        new CgiHeaderPolicy(
            config.cgi().denyHeaders().orElse(List.of()),
            config.cgi().allowHeaders().orElse(List.of())));
  }

  @Produces
  @Singleton
  FunctionSource source(RunnerConfig config, Instance<KubernetesClient> kubernetes) {
    return selectSource(config, kubernetes::get);
  }

  /**
   * Runner pods (a pool is configured) read the Kubernetes API; a standalone runner reads a
   * directory and never creates a Kubernetes client.
   */
  static FunctionSource selectSource(RunnerConfig config, Supplier<KubernetesClient> kubernetes) {
    if (config.kubernetes().pool().isPresent()) {
      return KubernetesSources.create(config, kubernetes.get());
    }
    RunnerConfig.Functions f = config.functions();
    return new DirectoryFunctionSource(f.dir(), f.scanInterval(), f.maxModuleBytes());
  }
}
