package dev.serverlessrunner.runner.http;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Any path the invocation port does not serve gets the JSON 404 of the contract, instead of the
 * framework's HTML page. Health and metrics are among them: they live on the management port.
 */
@ApplicationScoped
public class NotFoundRoute {

  void register(@Observes Router router) {
    router.route().last().handler(ctx -> ErrorReplies.send(ctx.response(), 404, "Not found"));
  }
}
