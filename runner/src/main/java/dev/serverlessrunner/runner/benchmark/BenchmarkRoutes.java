package dev.serverlessrunner.runner.benchmark;

import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.load.ModuleRejectedException;
import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.recording.ExecutionIds;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.recording.ShardRouter;
import dev.serverlessrunner.runner.recording.ShardUris;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import dev.serverlessrunner.runner.service.ServedFunction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark-only endpoints, registered only with {@code runner.benchmark.enabled=true}: the raw
 * HTTP ceiling of this process, and the naive baseline the runner is measured against — the module
 * compiled for every request and its record inserted synchronously, one row at a time.
 */
@ApplicationScoped
public class BenchmarkRoutes {

  private static final String INSERT_ONE =
      """
      INSERT INTO executions (id, function, module_digest, exit_code, outcome, stdout_snippet,
                              stdout_bytes, duration_us, fuel_consumed, error, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""";

  private final RunnerConfig config;
  private final FunctionRegistry functions;
  private final Engine engine;
  private final ExecutionRecorder recorder;
  private final ModulePolicy policy;
  private final Vertx vertx;
  private List<Pool> pools;
  private ModuleLoader loader;

  public BenchmarkRoutes(
      RunnerConfig config,
      FunctionRegistry functions,
      Engine engine,
      ExecutionRecorder recorder,
      ModulePolicy policy,
      Vertx vertx) {
    this.policy = policy;
    this.config = config;
    this.functions = functions;
    this.engine = engine;
    this.recorder = recorder;
    this.vertx = vertx;
  }

  void register(@Observes Router router) {
    if (!config.benchmark().enabled()) {
      return;
    }
    loader = new ModuleLoader(policy, CompilationMode.COMPILED, new SimpleMeterRegistry());
    pools =
        recorder.config().shards().stream()
            .map(
                shard ->
                    PgBuilder.pool()
                        .with(new PoolOptions().setMaxSize(16))
                        .connectingTo(ShardUris.connectOptions(shard).setPipeliningLimit(1))
                        .using(vertx)
                        .build())
            .toList();
    router.get("/bench/ping").handler(ctx -> ctx.response().end("pong"));
    router.route("/bench/naive/:name").handler(this::naive);
  }

  private void naive(RoutingContext ctx) {
    ServedFunction function = functions.lookup(ctx.pathParam("name")).orElse(null);
    if (function == null) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    byte[] wasm = function.moduleBytes();
    ctx.request()
        .body()
        .onSuccess(
            body ->
                vertx
                    .executeBlocking(() -> compile(wasm), false)
                    .toCompletionStage()
                    .thenCompose(
                        module ->
                            engine.submit(
                                module,
                                new Invocation(
                                    body.getBytes(),
                                    List.of(function.name()),
                                    Map.of(
                                        "QUERY_STRING",
                                        ctx.request().query() == null ? "" : ctx.request().query(),
                                        "REQUEST_METHOD",
                                        ctx.request().method().name()),
                                    function.limits())))
                    .whenComplete(
                        (result, failure) -> {
                          if (failure != null) {
                            ctx.response().setStatusCode(500).end(String.valueOf(failure));
                          } else {
                            insertThenRespond(ctx, function, result);
                          }
                        }));
    // Quarkus hands the route a paused request: without this the body never arrives.
    ctx.request().resume();
  }

  private LoadedModule compile(byte[] wasm) {
    try {
      return loader.load(wasm);
    } catch (ModuleRejectedException e) {
      throw new IllegalStateException(e);
    }
  }

  private void insertThenRespond(RoutingContext ctx, ServedFunction function, ExecutionResult r) {
    UUID id = ExecutionIds.next();
    Pool pool = pools.get(new ShardRouter(pools.size()).shardOf(id));
    Tuple row =
        Tuple.tuple()
            .addUUID(id)
            .addString(function.name())
            .addString(r.moduleDigest())
            .addInteger(r.exitCode())
            .addString(r.outcome().name().toLowerCase(java.util.Locale.ROOT))
            .addString(
                r.stdoutText().length() > 2048 ? r.stdoutText().substring(0, 2048) : r.stdoutText())
            .addLong((long) r.stdout().length)
            .addLong(r.durationMicros())
            .addLong(r.fuelConsumed())
            .addString(r.outcome().isSuccess() ? null : r.message())
            .addOffsetDateTime(OffsetDateTime.now(ZoneOffset.UTC));
    pool.preparedQuery(INSERT_ONE)
        .execute(row)
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.response().setStatusCode(503).end(String.valueOf(done.cause()));
              } else {
                ctx.response()
                    .setStatusCode(r.outcome().isSuccess() ? 200 : 500)
                    .putHeader("X-Execution-Id", id.toString())
                    .end(Buffer.buffer(r.stdout()));
              }
            });
  }
}
