package dev.serverlessrunner.runner.tracing;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.runner.service.RecordedOutcomes;
import dev.serverlessrunner.runner.service.ServedFunction;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One span per invocation: a SERVER span named after the function, child of the caller's W3C {@code
 * traceparent}, carrying the OpenTelemetry FaaS attributes and the execution's outcome, and
 * answered as {@code traceparent} so the caller can find it.
 *
 * <p>With the OpenTelemetry SDK disabled (the default: no OTLP endpoint configured) every method
 * returns at the first check, so an untraced runner pays one branch per request.
 */
@Singleton
public class InvocationTracing {

  /** The instrumentation scope of the runner's own spans. */
  public static final String SCOPE = "dev.serverlessrunner.runner";

  static final AttributeKey<String> FAAS_TRIGGER = AttributeKey.stringKey("faas.trigger");
  static final AttributeKey<String> FAAS_NAME = AttributeKey.stringKey("faas.name");
  static final AttributeKey<String> FAAS_VERSION = AttributeKey.stringKey("faas.version");
  static final AttributeKey<String> FAAS_INVOCATION_ID =
      AttributeKey.stringKey("faas.invocation_id");
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The module's {@code sha256:…} digest (also {@code faas.version}, its immutable version). */
  public static final AttributeKey<String> MODULE_DIGEST =
      AttributeKey.stringKey("serverlessrunner.module.digest");

  /** How the execution ended, as its record says ({@code ok}, {@code exit}, {@code trap}, …). */
  public static final AttributeKey<String> OUTCOME =
      AttributeKey.stringKey("serverlessrunner.execution.outcome");

  /** Wasm instructions executed. */
  public static final AttributeKey<Long> FUEL =
      AttributeKey.longKey("serverlessrunner.execution.fuel_consumed");

  /** The guest's exit code, when it exited. */
  public static final AttributeKey<Long> EXIT_CODE =
      AttributeKey.longKey("serverlessrunner.execution.exit_code");

  private static final TextMapGetter<HttpServerRequest> REQUEST_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest request) {
          return request.headers().names();
        }

        @Override
        public String get(HttpServerRequest request, String key) {
          return request == null ? null : request.getHeader(key);
        }
      };

  private static final TextMapSetter<HttpServerResponse> RESPONSE_HEADERS =
      (response, key, value) -> response.putHeader(key, value);

  private final boolean enabled;
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  public InvocationTracing(
      OpenTelemetry openTelemetry,
      @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true")
          boolean sdkDisabled) {
    this.enabled = !sdkDisabled;
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  /** Whether spans are made at all. */
  public boolean enabled() {
    return enabled;
  }

  /** The tracer of the recorder's batch spans, or null when tracing is off. */
  public Tracer recorderTracer() {
    return enabled ? tracer : null;
  }

  /**
   * Starts the span of an invocation of {@code function}, puts its {@code traceparent} on the
   * response and ends it when the response ends; {@link Span#getInvalid()} when tracing is off.
   */
  public Span start(HttpServerRequest request, String function) {
    if (!enabled) {
      return Span.getInvalid();
    }
    Context parent = propagator.extract(Context.root(), request, REQUEST_HEADERS);
    Span span =
        tracer
            .spanBuilder(function)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(FAAS_TRIGGER, "http")
            .setAttribute(FAAS_NAME, function)
            .setAttribute(HTTP_METHOD, request.method().name())
            .startSpan();
    HttpServerResponse response = request.response();
    propagator.inject(Context.root().with(span), response, RESPONSE_HEADERS);
    response.endHandler(ignored -> end(span, response.getStatusCode()));
    return span;
  }

  /** Names the execution a span's request was admitted as. */
  public static void admitted(Span span, UUID executionId) {
    if (span.isRecording()) {
      span.setAttribute(FAAS_INVOCATION_ID, executionId.toString());
    }
  }

  /** Adds what the run did to {@code span}. */
  public static void executed(Span span, ServedFunction function, ExecutionResult result) {
    if (!span.isRecording()) {
      return;
    }
    String outcome = RecordedOutcomes.of(result.outcome()).dbName();
    span.setAttribute(FAAS_VERSION, function.module().digest());
    span.setAttribute(MODULE_DIGEST, function.module().digest());
    span.setAttribute(OUTCOME, outcome);
    span.setAttribute(FUEL, result.fuelConsumed());
    if (result.outcome() == Outcome.OK || result.outcome() == Outcome.EXIT) {
      span.setAttribute(EXIT_CODE, (long) result.exitCode());
    }
    if (!result.outcome().isSuccess()) {
      span.setAttribute(ERROR_TYPE, outcome);
    }
  }

  private static void end(Span span, int status) {
    span.setAttribute(HTTP_STATUS, (long) status);
    if (status >= 500) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }
}
