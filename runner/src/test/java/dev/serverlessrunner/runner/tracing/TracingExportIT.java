package dev.serverlessrunner.runner.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import dev.serverlessrunner.runner.testsupport.RunnerProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runner as deployed: tracing off by default, on with nothing but an OTLP endpoint
 * (exporting to a stand-in collector over OTLP/HTTP), and JSON logs with one setting.
 */
@Timeout(300)
class TracingExportIT {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  @TempDir Path functions;
  private PostgresClusters shards;
  private HttpServer collector;
  private final List<String> exports = new CopyOnWriteArrayList<>();
  private RunnerProcess runner;

  @BeforeEach
  void start() throws IOException {
    shards = PostgresClusters.start(1);
    Files.write(functions.resolve("greeter.wasm"), Guests.bytes("greeter"));
    collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exports.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
  }

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.close();
    }
    collector.stop(0);
    shards.close();
  }

  private RunnerProcess runner(Map<String, String> properties) {
    runner =
        RunnerProcess.start(functions, shards.uris(), functions.resolve("runner.log"), properties);
    return runner;
  }

  private HttpResponse<String> invokeWithTraceparent() throws Exception {
    return runner
        .http()
        .send(
            HttpRequest.newBuilder(URI.create(runner.base() + "/execute/greeter"))
                .header("traceparent", TRACEPARENT)
                .POST(HttpRequest.BodyPublishers.ofString("Ann"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void byDefaultNothingIsTracedOrExported() throws Exception {
    runner(Map.of());

    HttpResponse<String> answer = invokeWithTraceparent();

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("traceparent")).isEmpty();
    String id = answer.headers().firstValue("X-Execution-Id").orElseThrow();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> runner.get("/executions/" + id).statusCode() == 200);
    JsonObject record = new JsonObject(runner.get("/executions/" + id).body());
    assertThat(record.getString("trace_id")).isNull();
    // The exporter's batch delay is 5 s: a span would have been sent within it.
    await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(exports::isEmpty);
  }

  @Test
  void anOtlpEndpointAloneTurnsTracingOnAndSpansReachTheCollector() throws Exception {
    runner(
        Map.of(
            "quarkus.otel.exporter.otlp.endpoint",
            "http://127.0.0.1:" + collector.getAddress().getPort(),
            "quarkus.otel.exporter.otlp.protocol",
            "http/protobuf",
            "quarkus.otel.bsp.schedule.delay",
            "100ms"));

    HttpResponse<String> answer = invokeWithTraceparent();

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("traceparent"))
        .hasValueSatisfying(
            traceparent -> assertThat(traceparent).startsWith("00-" + TRACE_ID + "-"));
    await().atMost(Duration.ofSeconds(15)).until(() -> exports.contains("POST /v1/traces"));
  }

  @Test
  void oneSettingMakesTheLogJson() {
    runner(Map.of("quarkus.log.console.json.enabled", "true"));

    // The JVM itself may print plain warnings; every line of the runner's own log is JSON.
    List<String> lines = runner.log().lines().toList();
    assertThat(lines).noneMatch(line -> line.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"));
    List<JsonObject> entries =
        lines.stream().filter(line -> line.startsWith("{")).map(JsonObject::new).toList();
    assertThat(entries)
        .isNotEmpty()
        .allSatisfy(
            entry -> {
              assertThat(entry.getString("level")).isNotBlank();
              assertThat(entry.getString("loggerName")).isNotBlank();
              assertThat(entry.getString("message")).isNotNull();
            });
    assertThat(entries).anySatisfy(entry -> assertThat(entry.getString("level")).isEqualTo("INFO"));
  }
}
