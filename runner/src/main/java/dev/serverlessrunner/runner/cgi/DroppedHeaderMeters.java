package dev.serverlessrunner.runner.cgi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code runner.cgi.headers.dropped} ({@code runner_cgi_headers_dropped_total}): CGI response
 * headers the client did not get, by function and rule; counters kept per function so a function
 * that always sets a denied header registers nothing on the request path.
 */
public final class DroppedHeaderMeters {

  private final MeterRegistry registry;
  private final Map<String, Counter[]> byFunction = new ConcurrentHashMap<>();

  public DroppedHeaderMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts {@code dropped} for {@code function}. */
  public void record(String function, List<CgiVerdict.DroppedHeader> dropped) {
    if (dropped.isEmpty()) {
      return;
    }
    Counter[] counters = byFunction.computeIfAbsent(function, this::register);
    for (CgiVerdict.DroppedHeader header : dropped) {
      counters[header.rule().ordinal()].increment();
    }
  }

  private Counter[] register(String function) {
    CgiVerdict.Rule[] rules = CgiVerdict.Rule.values();
    Counter[] counters = new Counter[rules.length];
    for (CgiVerdict.Rule rule : rules) {
      counters[rule.ordinal()] =
          Counter.builder("runner.cgi.headers.dropped")
              .description(
                  "CGI response headers not passed to the client (hop-by-hop, reserved, denied)")
              .tag("function", function)
              .tag("rule", rule.tag())
              .register(registry);
    }
    return counters;
  }
}
