package dev.serverlessrunner.runner.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * Makes every answer the router gives JSON per the contract: a path with dot segments or bad
 * percent-encoding is refused before routing (so {@code /execute/%2e%2e/q/metrics} can never be
 * normalized into another endpoint), and any failure of a route or of the framework (a missing Host
 * header, a wrong method, a bug) is a JSON error instead of Quarkus' HTML page ({@link
 * NotFoundRoute} answers unknown paths). Client faults are logged at DEBUG, server faults at ERROR.
 */
@ApplicationScoped
public class ErrorContract {

  private static final Logger LOG = Logger.getLogger(ErrorContract.class);

  /** Before every route, Quarkus' own filters included. */
  static final int GUARD_ORDER = Integer.MIN_VALUE + 10;

  void register(@Observes Router router) {
    router.route().order(GUARD_ORDER).handler(this::refuseAmbiguousPaths);
    router.route().order(GUARD_ORDER).failureHandler(this::failure);
  }

  private void refuseAmbiguousPaths(RoutingContext ctx) {
    String problem = pathProblem(ctx.request().path());
    if (problem == null) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Connection", "close");
    ErrorReplies.send(ctx.response(), 400, "Invalid path", new JsonObject().put("reason", problem));
  }

  /** Why a raw request path is refused, or null: routing sees only paths that need no rewriting. */
  static String pathProblem(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return "the request target must be an absolute path";
    }
    for (String segment : rawPath.split("/", -1)) {
      String decoded;
      try {
        decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return "malformed percent-encoding in the path";
      }
      if (decoded.equals(".") || decoded.equals("..")) {
        return "dot segments are not allowed in the path";
      }
      if (decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0) {
        return "encoded slashes are not allowed in the path";
      }
    }
    return null;
  }

  private void failure(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
    Throwable failure = ctx.failure();
    if (status >= 500) {
      LOG.errorf(failure, "request %s %s failed", ctx.request().method(), ctx.request().path());
    } else {
      LOG.debugf(
          "request %s %s refused: %d %s",
          ctx.request().method(), ctx.request().path(), status, failure);
    }
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // Too late for an error answer: end the exchange so the client does not wait forever.
      ctx.request().connection().close();
      return;
    }
    JsonObject details = new JsonObject();
    if (status < 500 && failure != null && failure.getMessage() != null) {
      details.put("reason", failure.getMessage());
    }
    if (status == 405) {
      String allow = response.headers().get("Allow");
      if (allow != null) {
        details.put("allow", allow);
      }
    }
    ErrorReplies.send(response, status, errorFor(status), details);
  }

  private static String errorFor(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 406 -> "Not acceptable";
      case 413 -> "Request body too large";
      case 414 -> "Request line too long";
      case 415 -> "Unsupported media type";
      case 431 -> "Request headers too large";
      case 503 -> "Service unavailable";
      default -> status < 500 ? "Client error" : "Internal error";
    };
  }
}
