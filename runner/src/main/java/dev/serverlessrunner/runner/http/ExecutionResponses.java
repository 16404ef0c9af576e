package dev.serverlessrunner.runner.http;

import dev.serverlessrunner.crd.function.Abi;
import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.runner.cgi.CgiResponse;
import dev.serverlessrunner.runner.cgi.CgiVerdict;
import dev.serverlessrunner.runner.service.InvocationReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** Turns a guest's run into the HTTP response of the contract in DESIGN.md. */
final class ExecutionResponses {

  /** Stderr quoted in an error response, at most (the record keeps the stdout snippet). */
  private static final int STDERR_IN_ERROR_BYTES = 4096;

  void send(HttpServerResponse response, InvocationReply.Executed executed) {
    ExecutionResult result = executed.result();
    putExecutionHeaders(response, executed.executionId(), result);
    JsonObject details = new JsonObject().put("execution_id", executed.executionId().toString());
    switch (result.outcome()) {
      case OK -> success(response, executed, details);
      case EXIT -> {
        details.put("exit_code", result.exitCode()).put("stderr", stderr(result));
        ErrorReplies.send(response, 500, "Wasm exited with code " + result.exitCode(), details);
      }
      case TRAP -> {
        details.put("reason", result.message()).put("stderr", stderr(result));
        ErrorReplies.send(response, 500, "Wasm trapped", details);
      }
      case FUEL_EXHAUSTED -> {
        details
            .put("reason", "fuel exhausted")
            .put("fuel_limit", executed.function().limits().fuel());
        ErrorReplies.send(response, 504, "Execution timed out", details);
      }
      case TIMEOUT -> {
        details
            .put("reason", "wall-clock timeout")
            .put("timeout_ms", executed.function().limits().timeout().toMillis());
        ErrorReplies.send(response, 504, "Execution timed out", details);
      }
      case MEMORY_LIMIT -> {
        details
            .put("reason", result.message())
            .put("memory_limit_bytes", executed.function().limits().memoryBytes());
        ErrorReplies.send(response, 500, "Memory limit exceeded", details);
      }
      case STACK_EXHAUSTED -> {
        details.put("reason", result.message());
        ErrorReplies.send(response, 500, "Call stack exhausted", details);
      }
      case INVALID_MODULE, REFUSED, SATURATED, HOST_ERROR -> {
        details.put("reason", result.message());
        ErrorReplies.send(response, 500, "Internal error", details);
      }
    }
  }

  private static void success(
      HttpServerResponse response, InvocationReply.Executed executed, JsonObject details) {
    ExecutionResult result = executed.result();
    if (result.stdoutTruncated()) {
      response.putHeader("X-Stdout-Truncated", "true");
    }
    if (executed.function().config().abi() == Abi.RAW) {
      response
          .setStatusCode(200)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(Buffer.buffer(result.stdout()));
      return;
    }
    // The service read the CGI answer (CgiHeaderPolicy): only allowed headers are left.
    switch (executed.cgi()) {
      case CgiVerdict.Refused refused -> {
        details.put("reason", refused.reason());
        ErrorReplies.send(response, 502, refused.error(), details);
      }
      case CgiVerdict.Accepted accepted -> {
        CgiResponse cgi = accepted.response();
        response.setStatusCode(cgi.status());
        for (Map.Entry<String, String> header : cgi.headers()) {
          response.headers().add(header.getKey(), header.getValue());
        }
        response.end(Buffer.buffer(cgi.body()));
      }
      case null ->
          throw new IllegalStateException(
              "cgi function " + executed.function().name() + " ran without a CGI verdict");
    }
  }

  static void putExecutionHeaders(HttpServerResponse response, UUID id, ExecutionResult result) {
    response
        .putHeader("X-Execution-Id", id.toString())
        .putHeader("X-Fuel-Consumed", Long.toString(result.fuelConsumed()))
        .putHeader("X-Duration-Micros", Long.toString(result.durationMicros()));
  }

  private static String stderr(ExecutionResult result) {
    byte[] err = result.stderr();
    int n = Math.min(err.length, STDERR_IN_ERROR_BYTES);
    return new String(err, 0, n, StandardCharsets.UTF_8);
  }
}
