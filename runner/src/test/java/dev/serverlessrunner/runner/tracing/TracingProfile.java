package dev.serverlessrunner.runner.tracing;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A runner given an OTLP endpoint, and nothing else about tracing: the endpoint alone turns tracing
 * on. The endpoint is a stand-in collector on loopback that accepts OTLP/HTTP trace exports (so the
 * exporter has somewhere to send); tests read the spans from {@link InMemorySpans}. That the export
 * reaches a collector is checked against the packaged runner by TracingExportIT.
 */
public class TracingProfile implements QuarkusTestProfile {

  private static HttpServer collector;

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "quarkus.otel.exporter.otlp.traces.endpoint",
        "http://127.0.0.1:" + collectorPort(),
        "quarkus.otel.exporter.otlp.traces.protocol",
        "http/protobuf",
        // Spans reach the exporters within milliseconds instead of the 5 s default.
        "quarkus.otel.bsp.schedule.delay",
        "10ms");
  }

  private static synchronized int collectorPort() {
    if (collector == null) {
      try {
        collector =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      collector.createContext(
          "/v1/traces",
          exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      collector.start();
    }
    return collector.getAddress().getPort();
  }
}
