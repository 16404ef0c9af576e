package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.runner.metrics.FaasMetrics;
import dev.serverlessrunner.runner.recording.RecordedOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Per-function invocation meters in OpenTelemetry's FaaS names ({@link FaasMetrics}), plus the
 * runner's own fuel summary and the documented {@code runner.invocations} timer kept as an alias.
 * Registered once per function and then looked up without allocation: building and registering a
 * Micrometer meter on every request cost measurable CPU on the request path.
 */
final class FunctionMeters {

  private final MeterRegistry registry;
  private final Map<String, Meters> byFunction = new ConcurrentHashMap<>();
  private final Function<String, Meters> create = Meters::new;

  FunctionMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one run of {@code function}: its outcome, duration, memory and fuel. */
  void record(ServedFunction function, ExecutionResult result) {
    record(function, result, false);
  }

  /**
   * Records one run of {@code function}; {@code responseRefused}: the guest succeeded but its
   * answer was refused (a CGI response the policy rejects, 502), which counts as an error of type
   * {@code invalid_response}, as its record says, not as a success.
   */
  void record(ServedFunction function, ExecutionResult result, boolean responseRefused) {
    Meters meters = byFunction.get(function.name());
    if (meters == null) {
      meters = byFunction.computeIfAbsent(function.name(), create);
    }
    meters.record(function.module(), result, responseRefused);
  }

  private final class Meters {
    private final Tags tags;
    private final Tags aliasTags;
    private final Counter invocations;
    private final Counter timeouts;
    private final Counter coldstarts;
    private final Timer duration;
    private final DistributionSummary memory;
    private final DistributionSummary fuel;
    private final AtomicReferenceArray<Counter> errors =
        new AtomicReferenceArray<>(Outcome.values().length);
    private final AtomicReferenceArray<Timer> aliasTimers =
        new AtomicReferenceArray<>(Outcome.values().length);
    private volatile Counter invalidResponses;

    /** The module version that has run here at least once; a different one runs cold. */
    private final AtomicReference<LoadedModule> warm = new AtomicReference<>();

    Meters(String function) {
      this.tags = FaasMetrics.functionTags(function);
      this.aliasTags = Tags.of("function", function);
      this.invocations =
          Counter.builder(FaasMetrics.INVOCATIONS)
              .description("Invocations that succeeded (the guest exited with code 0)")
              .tags(tags)
              .register(registry);
      this.timeouts =
          Counter.builder(FaasMetrics.TIMEOUTS)
              .description("Invocations stopped by their fuel budget or wall-clock timeout (504)")
              .tags(tags)
              .register(registry);
      this.coldstarts =
          Counter.builder(FaasMetrics.COLDSTARTS)
              .description("First invocation of each loaded module version in this runner")
              .tags(tags)
              .register(registry);
      this.duration =
          Timer.builder(FaasMetrics.INVOKE_DURATION)
              .description("Guest run time (instantiate + run, without queueing), every outcome")
              .tags(tags)
              .serviceLevelObjectives(FaasMetrics.DURATION_BUCKETS)
              .register(registry);
      this.memory =
          DistributionSummary.builder(FaasMetrics.MEM_USAGE)
              .description("Guest linear memory at the end of a run (its peak: it never shrinks)")
              .baseUnit("bytes")
              .tags(tags)
              .serviceLevelObjectives(FaasMetrics.MEMORY_BUCKETS)
              .register(registry);
      this.fuel =
          DistributionSummary.builder(FaasMetrics.FUEL)
              .description("Fuel (Wasm instructions) consumed per run")
              .baseUnit("instructions")
              .tags(tags)
              .register(registry);
    }

    void record(LoadedModule module, ExecutionResult result, boolean responseRefused) {
      // One volatile read once warm; the swap decides a race, so each version counts once.
      if (warm.get() != module && warm.getAndSet(module) != module) {
        coldstarts.increment();
      }
      Outcome outcome = result.outcome();
      if (responseRefused) {
        invalidResponses().increment();
      } else if (outcome.isSuccess()) {
        invocations.increment();
      } else {
        error(outcome).increment();
        if (outcome == Outcome.FUEL_EXHAUSTED || outcome == Outcome.TIMEOUT) {
          timeouts.increment();
        }
      }
      duration.record(result.durationNanos(), TimeUnit.NANOSECONDS);
      if (result.peakMemoryPages() > 0) {
        memory.record(result.peakMemoryPages() * (double) FaasMetrics.WASM_PAGE_BYTES);
      }
      fuel.record(result.fuelConsumed());
      aliasTimer(outcome).record(result.durationNanos(), TimeUnit.NANOSECONDS);
    }

    private Counter error(Outcome outcome) {
      Counter counter = errors.get(outcome.ordinal());
      if (counter == null) {
        // Registering twice yields the same meter, so a lost race is harmless.
        counter = errorCounter(RecordedOutcomes.of(outcome));
        errors.set(outcome.ordinal(), counter);
      }
      return counter;
    }

    private Counter invalidResponses() {
      Counter counter = invalidResponses;
      if (counter == null) {
        counter = errorCounter(RecordedOutcome.INVALID_RESPONSE);
        invalidResponses = counter;
      }
      return counter;
    }

    private Counter errorCounter(RecordedOutcome type) {
      return Counter.builder(FaasMetrics.ERRORS)
          .description(
              "Invocations that did not succeed, timeouts included, by error.type (the"
                  + " record's outcome)")
          .tags(tags)
          .tag(FaasMetrics.ERROR_TYPE, type.dbName())
          .register(registry);
    }

    private Timer aliasTimer(Outcome outcome) {
      Timer timer = aliasTimers.get(outcome.ordinal());
      if (timer == null) {
        timer =
            Timer.builder(FaasMetrics.LEGACY_DURATION)
                .description(
                    "Alias of faas.invoke_duration by outcome, kept because it was documented")
                .tags(aliasTags)
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram()
                .register(registry);
        aliasTimers.set(outcome.ordinal(), timer);
      }
      return timer;
    }
  }
}
