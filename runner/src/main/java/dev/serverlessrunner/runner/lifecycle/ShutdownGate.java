package dev.serverlessrunner.runner.lifecycle;

import dev.serverlessrunner.runner.service.InvocationService;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * On shutdown: from SIGTERM on, every invocation's answer carries {@code Connection: close} and its
 * connection is closed, so clients holding keep-alive connections reconnect — through the Service,
 * to other runners — instead of staying on a pod that is going away. Once the runner refuses new
 * work, invocations get {@code 503} before their body is read, with {@code Retry-After} (another
 * runner will take the retry).
 */
@ApplicationScoped
public class ShutdownGate {

  /** Ahead of the invocation routes, so nothing of a refused request is buffered or run. */
  static final int ORDER = -100;

  private final InvocationService invocations;
  private final RunnerLifecycle lifecycle;

  public ShutdownGate(InvocationService invocations, RunnerLifecycle lifecycle) {
    this.invocations = invocations;
    this.lifecycle = lifecycle;
  }

  void register(@Observes Router router) {
    router.route("/execute/*").order(ORDER).handler(this::gate);
  }

  private void gate(RoutingContext ctx) {
    if (!lifecycle.shuttingDown()) {
      ctx.next();
      return;
    }
    HttpServerResponse response = ctx.response();
    response.putHeader("Connection", "close");
    if (ctx.request().version() != HttpVersion.HTTP_2) {
      // The header alone does not make Vert.x close an HTTP/1.1 connection.
      ctx.addEndHandler(done -> ctx.request().connection().close());
    }
    if (invocations.admitting()) {
      ctx.next();
      return;
    }
    response
        .setStatusCode(503)
        .putHeader("Content-Type", "application/json")
        .putHeader("Retry-After", "1")
        .end(
            new JsonObject()
                .put("error", InvocationService.SHUTTING_DOWN)
                .put("status", 503)
                .put("reason", "draining")
                .toBuffer());
  }
}
