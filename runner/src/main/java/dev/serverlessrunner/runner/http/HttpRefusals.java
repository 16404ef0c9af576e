package dev.serverlessrunner.runner.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * Counts requests the HTTP port refused before running them, by reason ({@code
 * runner_http_refused_total{reason}}), so hostile or broken clients show in metrics instead of in
 * the error log.
 */
@Singleton
public class HttpRefusals {

  private final Counter headerTimeout;
  private final Counter bodyTimeout;
  private final Counter invalidRequest;
  private final Counter bodyTooLarge;
  private final Counter bodyBudget;

  public HttpRefusals(MeterRegistry registry) {
    headerTimeout = counter(registry, "header_timeout");
    bodyTimeout = counter(registry, "body_timeout");
    invalidRequest = counter(registry, "invalid_request");
    bodyTooLarge = counter(registry, "body_too_large");
    bodyBudget = counter(registry, "body_budget");
  }

  private static Counter counter(MeterRegistry registry, String reason) {
    return Counter.builder("runner.http.refused")
        .description("Requests refused by the HTTP port before they ran")
        .tag("reason", reason)
        .register(registry);
  }

  void headerTimeout() {
    headerTimeout.increment();
  }

  void bodyTimeout() {
    bodyTimeout.increment();
  }

  void invalidRequest() {
    invalidRequest.increment();
  }

  void bodyTooLarge() {
    bodyTooLarge.increment();
  }

  void bodyBudget() {
    bodyBudget.increment();
  }
}
