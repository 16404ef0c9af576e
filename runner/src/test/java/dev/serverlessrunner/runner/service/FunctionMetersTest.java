package dev.serverlessrunner.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class FunctionMetersTest {

  private static ExecutionResult run(Outcome outcome, long nanos, long fuel) {
    byte[] none = new byte[0];
    return new ExecutionResult(
        outcome, 0, none, false, none, false, nanos, fuel, 1, "", "sha256:x");
  }

  @Test
  void durationsAreCountedPerFunctionAndOutcomeAndFuelPerFunction() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FunctionMeters meters = new FunctionMeters(registry);

    meters.record("fib", run(Outcome.OK, 1_000, 10));
    meters.record("fib", run(Outcome.OK, 3_000, 30));
    meters.record("fib", run(Outcome.FUEL_EXHAUSTED, 5_000, 100));
    meters.record("greeter", run(Outcome.OK, 2_000, 7));

    assertThat(
            registry
                .get("runner.invocations")
                .tags("function", "fib", "outcome", "ok")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("runner.invocations")
                .tags("function", "fib", "outcome", "fuel_exhausted")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry.get("runner.invocations.fuel").tags("function", "fib").summary().totalAmount())
        .isEqualTo(140);
    assertThat(
            registry.get("runner.invocations.fuel").tags("function", "greeter").summary().count())
        .isEqualTo(1);
  }
}
