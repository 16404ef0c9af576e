package dev.serverlessrunner.runner.http;

import dev.serverlessrunner.runner.recording.ExecutionRecord;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.security.InvocationSecurity;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import dev.serverlessrunner.runner.service.InvocationReply;
import dev.serverlessrunner.runner.service.InvocationRequest;
import dev.serverlessrunner.runner.service.InvocationService;
import dev.serverlessrunner.runner.service.ServedFunction;
import dev.serverlessrunner.runner.source.FunctionNames;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.UUID;

/**
 * The runner's HTTP API: {@code /execute/{name}} runs a function, {@code /executions/{id}} reads a
 * stored record. Handlers run on the event loop and never block: guests run on the engine's pool.
 */
@ApplicationScoped
public class InvocationRoutes {

  private final FunctionRegistry functions;
  private final InvocationService invocations;
  private final ExecutionRecorder recorder;
  private final InvocationSecurity security;
  private final ExecutionResponses responses = new ExecutionResponses();

  public InvocationRoutes(
      FunctionRegistry functions,
      InvocationService invocations,
      ExecutionRecorder recorder,
      InvocationSecurity security) {
    this.functions = functions;
    this.invocations = invocations;
    this.recorder = recorder;
    this.security = security;
  }

  void register(@Observes Router router) {
    router.route("/execute/:name").handler(this::execute);
    router.route("/executions/:id").handler(this::execution);
  }

  private void execute(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    String name = ctx.pathParam("name");
    if (!FunctionNames.isValid(name)) {
      ErrorReplies.send(
          response,
          400,
          "Invalid function name",
          new JsonObject()
              .put("function", name)
              .put("reason", FunctionNames.describeInvalid(name)));
      return;
    }
    if (request.method() != HttpMethod.POST && request.method() != HttpMethod.GET) {
      response.putHeader("Allow", "GET, POST");
      ErrorReplies.send(
          response, 405, "Method not allowed", new JsonObject().put("allow", "GET, POST"));
      return;
    }
    Optional<ServedFunction> found = functions.lookup(name);
    if (found.isEmpty()) {
      ErrorReplies.send(
          response, 404, "Function not found", new JsonObject().put("function", name));
      return;
    }
    ServedFunction function = found.get();
    LimitedBody.read(
        request,
        function.maxRequestBytes(),
        body ->
            invocations
                .invoke(
                    function,
                    new InvocationRequest(
                        request.method().name(),
                        request.query(),
                        request.getHeader("Content-Type"),
                        body))
                .thenAccept(reply -> respond(response, reply)),
        () -> {
          response.putHeader("Connection", "close");
          ErrorReplies.send(
              response,
              413,
              "Request body too large",
              new JsonObject().put("limit_bytes", function.maxRequestBytes()));
        });
  }

  private void respond(HttpServerResponse response, InvocationReply reply) {
    switch (reply) {
      case InvocationReply.Executed executed -> responses.send(response, executed);
      case InvocationReply.NotRun notRun -> {
        response.putHeader("Retry-After", "1");
        ErrorReplies.send(
            response, 503, notRun.error(), new JsonObject().put("reason", notRun.reason()));
      }
      case InvocationReply.NotRecorded notRecorded -> {
        ExecutionResponses.putExecutionHeaders(
            response, notRecorded.executionId(), notRecorded.result());
        ErrorReplies.send(
            response,
            503,
            "Execution record not committed",
            new JsonObject()
                .put("execution_id", notRecorded.executionId().toString())
                .put("reason", notRecorded.reason()));
      }
    }
  }

  private void execution(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (ctx.request().method() != HttpMethod.GET) {
      response.putHeader("Allow", "GET");
      ErrorReplies.send(response, 405, "Method not allowed", new JsonObject().put("allow", "GET"));
      return;
    }
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      ErrorReplies.send(
          response, 400, "Invalid execution id", new JsonObject().put("id", ctx.pathParam("id")));
      return;
    }
    recorder
        .findById(id)
        .whenComplete(
            (record, failure) -> {
              if (failure != null) {
                ErrorReplies.send(
                    response,
                    503,
                    "Shard unavailable",
                    new JsonObject()
                        .put("shard", recorder.shardName(recorder.router().shardOf(id)))
                        .put("reason", String.valueOf(failure.getMessage())));
              } else if (record.isEmpty()) {
                ErrorReplies.send(
                    response,
                    404,
                    "Execution not found",
                    new JsonObject().put("id", id.toString()));
              } else if (security.permitRead(ctx, record.get().function())) {
                response
                    .putHeader("Content-Type", "application/json")
                    .end(toJson(record.get()).toBuffer());
              }
            });
  }

  static JsonObject toJson(ExecutionRecord r) {
    return new JsonObject()
        .put("id", r.id().toString())
        .put("function", r.function())
        .put("module_digest", r.moduleDigest())
        .put("exit_code", r.exitCode())
        .put("outcome", r.outcome().dbName())
        .put("stdout_snippet", r.stdoutSnippet())
        .put("stdout_bytes", r.stdoutBytes())
        .put("duration_us", r.durationUs())
        .put("fuel_consumed", r.fuelConsumed())
        .put("sleep_us", r.sleepUs())
        .put("error", r.error())
        .put("created_at", r.createdAt().toString());
  }
}
