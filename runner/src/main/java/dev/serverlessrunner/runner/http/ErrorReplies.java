package dev.serverlessrunner.runner.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Every error the runner answers, as JSON {@code {"error", "status", ...}}. */
final class ErrorReplies {

  private ErrorReplies() {}

  static void send(HttpServerResponse response, int status, String error, JsonObject details) {
    JsonObject body = new JsonObject().put("error", error).put("status", status);
    if (details != null) {
      body.mergeIn(details);
    }
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.toBuffer());
  }

  static void send(HttpServerResponse response, int status, String error) {
    send(response, status, error, null);
  }
}
