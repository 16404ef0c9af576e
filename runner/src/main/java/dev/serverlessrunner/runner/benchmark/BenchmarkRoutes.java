package dev.serverlessrunner.runner.benchmark;

import dev.serverlessrunner.crd.function.Durability;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.http.InvocationRoutes;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import dev.serverlessrunner.runner.service.ServedFunction;
import dev.serverlessrunner.runner.source.FunctionConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Benchmark-only endpoints, registered only with {@code runner.benchmark.enabled=true}: the raw
 * HTTP ceiling of this process, and the naive baseline the runner is measured against — the module
 * compiled again for every request, bypassing the module cache, and the answer held until its
 * record is committed ({@code durability: sync}). Everything else is the production path: the same
 * admission, execution, record (snippet, outcome) and answer as {@code /execute}, so the records it
 * writes read back through {@code GET /executions/{id}}.
 */
@ApplicationScoped
public class BenchmarkRoutes {

  private final RunnerConfig config;
  private final FunctionRegistry functions;
  private final InvocationRoutes invocations;
  private final ModulePolicy policy;
  private final Vertx vertx;
  private ModuleLoader loader;

  public BenchmarkRoutes(
      RunnerConfig config,
      FunctionRegistry functions,
      InvocationRoutes invocations,
      ModulePolicy policy,
      Vertx vertx) {
    this.config = config;
    this.functions = functions;
    this.invocations = invocations;
    this.policy = policy;
    this.vertx = vertx;
  }

  void register(@Observes Router router) {
    if (!config.benchmark().enabled()) {
      return;
    }
    loader = new ModuleLoader(policy, CompilationMode.COMPILED, new SimpleMeterRegistry());
    router.get("/bench/ping").handler(ctx -> ctx.response().end("pong"));
    router.route("/bench/naive/:name").handler(this::naive);
  }

  private void naive(RoutingContext ctx) {
    ServedFunction function = functions.lookup(ctx.pathParam("name")).orElse(null);
    if (function == null) {
      ctx.fail(404);
      return;
    }
    vertx
        .executeBlocking(() -> loader.load(function.moduleBytes()), false)
        .onSuccess(
            module -> invocations.serve(ctx.request(), ctx.response(), naive(function, module)))
        .onFailure(ctx::fail);
  }

  /** {@code function} with a freshly compiled module, answering only once its record is stored. */
  private static ServedFunction naive(ServedFunction function, LoadedModule module) {
    FunctionConfig c = function.config();
    return new ServedFunction(
        function.name(),
        module,
        function.moduleBytes(),
        new FunctionConfig(c.limits(), c.env(), c.args(), c.abi(), Durability.SYNC, c.auth()),
        function.limits(),
        function.maxRequestBytes());
  }
}
