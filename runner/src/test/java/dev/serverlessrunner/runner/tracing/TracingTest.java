package dev.serverlessrunner.runner.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tracing against a real runner: real guests, real PostgreSQL shards, spans caught by an in-memory
 * exporter; tracing is on because an OTLP endpoint is configured, nothing else.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
@QuarkusTestResource(value = RunnerTestResources.class, restrictToAnnotatedClass = false)
@Timeout(120)
class TracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";

  @Inject InMemorySpanExporter exporter;

  @BeforeEach
  void forgetEarlierSpans() {
    exporter.reset();
  }

  @Test
  void invocationSpanIsAChildOfTheCallersTraceAndItsRecordKeepsTheTraceId() {
    Response response =
        given().header("traceparent", TRACEPARENT).body("Ann").post("/execute/greeter");
    response.then().statusCode(200).body(equalTo("Hello, Ann!"));
    String executionId = response.header("X-Execution-Id");

    SpanData span = awaitSpan("greeter");
    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
    assertThat(attributes(span))
        .containsEntry("faas.trigger", "http")
        .containsEntry("faas.name", "greeter")
        .containsEntry("faas.invocation_id", executionId)
        .containsEntry("serverlessrunner.execution.outcome", "ok")
        .containsEntry("serverlessrunner.execution.exit_code", 0L)
        .containsEntry("http.request.method", "POST")
        .containsEntry("http.response.status_code", 200L);
    assertThat((String) attributes(span).get("faas.version")).startsWith("sha256:");
    assertThat(attributes(span).get("serverlessrunner.module.digest"))
        .isEqualTo(attributes(span).get("faas.version"));
    assertThat((Long) attributes(span).get("serverlessrunner.execution.fuel_consumed"))
        .isPositive()
        .isEqualTo(Long.parseLong(response.header("X-Fuel-Consumed")));
    assertThat(response.header("traceparent"))
        .isEqualTo("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                given()
                    .get("/executions/" + executionId)
                    .then()
                    .statusCode(200)
                    .body("trace_id", equalTo(TRACE_ID))
                    .body("span_id", equalTo(span.getSpanId())));
  }

  @Test
  void withoutTraceparentAnInvocationStartsATraceOfItsOwn() {
    Response response = given().get("/execute/fib?n=10");
    response.then().statusCode(200);

    SpanData span = awaitSpan("fib");
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(response.header("traceparent"))
        .isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
  }

  @Test
  void aFailingGuestsSpanIsAnErrorWithItsOutcome() {
    given().header("traceparent", TRACEPARENT).get("/execute/exit-nonzero").then().statusCode(500);

    SpanData span = awaitSpan("exit-nonzero");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attributes(span))
        .containsEntry("serverlessrunner.execution.outcome", "exit")
        .containsEntry("serverlessrunner.execution.exit_code", 3L)
        .containsEntry("error.type", "exit")
        .containsEntry("http.response.status_code", 500L);
  }

  @Test
  void theBatchWriteThatStoredARecordIsLinkedToItsInvocation() {
    given().header("traceparent", TRACEPARENT).body("Bo").post("/execute/greeter");
    SpanData invocation = awaitSpan("greeter");

    SpanData batch =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> batchLinking(invocation), found -> found != null);
    assertThat(batch.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(batch.getParentSpanContext().isValid()).isFalse();
    assertThat(attributes(batch))
        .containsEntry("db.system.name", "postgresql")
        .containsEntry("db.operation.name", "INSERT")
        .containsEntry("db.collection.name", "executions");
    assertThat((Long) attributes(batch).get("db.operation.batch.size")).isPositive();
    assertThat(batch.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
  }

  private SpanData batchLinking(SpanData invocation) {
    for (SpanData span : exporter.getFinishedSpanItems()) {
      if (span.getName().equals("INSERT executions")) {
        for (LinkData link : span.getLinks()) {
          if (link.getSpanContext().getSpanId().equals(invocation.getSpanId())
              && link.getSpanContext().getTraceId().equals(invocation.getTraceId())) {
            return span;
          }
        }
      }
    }
    return null;
  }

  private SpanData awaitSpan(String name) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<SpanData> found =
                  exporter.getFinishedSpanItems().stream()
                      .filter(s -> s.getName().equals(name))
                      .toList();
              return found.isEmpty() ? null : found.getLast();
            },
            found -> found != null);
  }

  private static Map<String, Object> attributes(SpanData span) {
    return span.getAttributes().asMap().entrySet().stream()
        .collect(
            java.util.stream.Collectors.toMap(
                e -> ((AttributeKey<?>) e.getKey()).getKey(), Map.Entry::getValue));
  }
}
