package dev.serverlessrunner.runner.http;

import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.recording.ExecutionRecord;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.security.InvocationSecurity;
import dev.serverlessrunner.runner.service.Admission;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import dev.serverlessrunner.runner.service.InvocationReply;
import dev.serverlessrunner.runner.service.InvocationRequest;
import dev.serverlessrunner.runner.service.InvocationService;
import dev.serverlessrunner.runner.service.ServedFunction;
import dev.serverlessrunner.runner.source.FunctionNames;
import dev.serverlessrunner.runner.tracing.InvocationTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Vertx;
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
  private final BodyBudget budget;
  private final HttpRefusals refusals;
  private final InvocationTracing tracing;
  private final Vertx vertx;
  private final long bodyTimeoutMillis;

  /** Bodies are read into one array: a limit beyond it could not be held anyway. */
  private static final long LARGEST_BODY = Integer.MAX_VALUE - 8;

  public InvocationRoutes(
      FunctionRegistry functions,
      InvocationService invocations,
      ExecutionRecorder recorder,
      InvocationSecurity security,
      BodyBudget budget,
      HttpRefusals refusals,
      InvocationTracing tracing,
      Vertx vertx,
      RunnerConfig config) {
    this.functions = functions;
    this.invocations = invocations;
    this.recorder = recorder;
    this.security = security;
    this.budget = budget;
    this.refusals = refusals;
    this.tracing = tracing;
    this.vertx = vertx;
    this.bodyTimeoutMillis = config.http().bodyTimeout().toMillis();
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
    serve(request, response, found.get());
  }

  /**
   * Admits, reads the body within {@code function}'s limit, runs it through the invocation service
   * (record included) and answers per the HTTP contract. Also the benchmark's naive route, so its
   * answers and records are the production ones.
   */
  public void serve(
      HttpServerRequest request, HttpServerResponse response, ServedFunction function) {
    // Started before admission, so refusals show in traces too; ends with the response.
    Span span = tracing.start(request, function.name());
    long limit = Math.min(function.maxRequestBytes(), LARGEST_BODY);
    long declared = declaredLength(request);
    if (declared > limit) {
      refusals.bodyTooLarge();
      tooLarge(response, limit);
      return;
    }
    // Admitted before a byte of the body is read: a runner that cannot run or record this request
    // says so at once instead of buffering a body it will throw away.
    switch (invocations.admit(function)) {
      case Admission.Refused refused -> {
        if (declared != 0) {
          response.putHeader("Connection", "close");
        }
        respond(response, refused.reply(), span);
      }
      case Admission.Granted granted -> {
        InvocationTracing.admitted(span, granted.executionId());
        LimitedBody.read(
            request,
            declared,
            limit,
            budget,
            vertx,
            bodyTimeoutMillis,
            result -> bodyRead(request, function, granted, result, span));
      }
    }
  }

  private void bodyRead(
      HttpServerRequest request,
      ServedFunction function,
      Admission.Granted granted,
      LimitedBody.Result result,
      Span span) {
    HttpServerResponse response = request.response();
    switch (result) {
      case LimitedBody.Complete body ->
          granted
              .run(
                  new InvocationRequest(
                      request.method().name(),
                      request.query(),
                      request.getHeader("Content-Type"),
                      body.bytes(),
                      traced(span)))
              .whenComplete((reply, failure) -> budget.release(body.reservedBytes()))
              .thenAccept(reply -> respond(response, reply, span));
      case LimitedBody.TooLarge tooLarge -> {
        granted.release();
        refusals.bodyTooLarge();
        tooLarge(response, tooLarge.limitBytes());
      }
      case LimitedBody.OverBudget ignored -> {
        granted.release();
        refusals.bodyBudget();
        response.putHeader("Connection", "close").putHeader("Retry-After", "1");
        ErrorReplies.send(
            response,
            503,
            "Runner saturated",
            new JsonObject()
                .put("reason", "request bodies being read fill the runner's body budget")
                .put("budget_bytes", budget.limit()));
      }
      case LimitedBody.TimedOut timedOut -> {
        granted.release();
        refusals.bodyTimeout();
        response.putHeader("Connection", "close");
        ErrorReplies.send(
            response,
            408,
            "Request body timeout",
            new JsonObject()
                .put("reason", "the request body did not arrive within the body timeout")
                .put("timeout_ms", timedOut.timeoutMillis()));
      }
      case LimitedBody.Gone ignored -> granted.release();
    }
  }

  /** The body's declared length: Content-Length, -1 when chunked, 0 when there is no body. */
  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length != null) {
      // The HTTP decoder already refused a malformed Content-Length.
      return Long.parseLong(length.trim());
    }
    return request.getHeader("Transfer-Encoding") != null ? -1 : 0;
  }

  private static void tooLarge(HttpServerResponse response, long limit) {
    response.putHeader("Connection", "close");
    ErrorReplies.send(
        response, 413, "Request body too large", new JsonObject().put("limit_bytes", limit));
  }

  /** The span context a record carries: the invocation span's, when it is sampled. */
  private static SpanContext traced(Span span) {
    return span.isRecording() ? span.getSpanContext() : SpanContext.getInvalid();
  }

  private void respond(HttpServerResponse response, InvocationReply reply, Span span) {
    switch (reply) {
      case InvocationReply.Executed executed -> {
        InvocationTracing.executed(span, executed.function(), executed.result());
        responses.send(response, executed);
      }
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
                        // Never the driver's message: it may name hosts, users or worse.
                        .put("reason", "the shard holding this record did not answer"));
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
        .put("stderr_snippet", r.stderrSnippet())
        .put("error", r.error())
        .put("created_at", r.createdAt().toString())
        .put("trace_id", r.traceId())
        .put("span_id", r.spanId());
  }
}
