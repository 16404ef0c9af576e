package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Outcome;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-function invocation meters, registered once and then looked up without allocation: building
 * and registering a Micrometer meter on every request cost measurable CPU on the request path.
 */
final class FunctionMeters {

  private final MeterRegistry registry;
  private final Map<String, Meters> byFunction = new ConcurrentHashMap<>();

  FunctionMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one run's duration (by outcome) and fuel. */
  void record(String function, ExecutionResult result) {
    Meters meters = byFunction.computeIfAbsent(function, Meters::new);
    meters.timer(result.outcome()).record(result.durationNanos(), TimeUnit.NANOSECONDS);
    meters.fuel.record(result.fuelConsumed());
  }

  private final class Meters {
    private final String function;
    private final DistributionSummary fuel;
    private final AtomicReferenceArray<Timer> timers =
        new AtomicReferenceArray<>(Outcome.values().length);

    Meters(String function) {
      this.function = function;
      this.fuel =
          DistributionSummary.builder("runner.invocations.fuel")
              .description("Fuel (Wasm instructions) consumed per run")
              .baseUnit("instructions")
              .tag("function", function)
              .register(registry);
    }

    Timer timer(Outcome outcome) {
      Timer timer = timers.get(outcome.ordinal());
      if (timer == null) {
        // Registering twice yields the same meter, so a lost race is harmless.
        timer =
            Timer.builder("runner.invocations")
                .description("Guest runs by function and outcome (instantiate + run)")
                .tag("function", function)
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram()
                .register(registry);
        timers.set(outcome.ordinal(), timer);
      }
      return timer;
    }
  }
}
