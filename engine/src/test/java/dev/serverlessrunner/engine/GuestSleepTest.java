package dev.serverlessrunner.engine;

import static dev.serverlessrunner.engine.EngineTestSupport.run;
import static dev.serverlessrunner.engine.EngineTestSupport.stdin;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A guest sleeping in WASI poll_oneoff uses no fuel but holds a worker: its sleep is measured, and
 * it never holds the worker past its wall-clock timeout.
 */
@Timeout(60)
class GuestSleepTest {

  private static Engine engine;

  @BeforeAll
  static void start() {
    engine = new Engine(EngineOptions.defaults(), new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @AfterEach
  void workerStillServes() {
    assertThat(run(engine, "greeter", stdin("Alice")).stdoutText()).isEqualTo("Hello, Alice!");
  }

  private static ExecutionResult sleep(String query, Duration timeout) {
    return run(
        engine,
        "sleep",
        Invocation.builder()
            .env("QUERY_STRING", query)
            .limits(Limits.DEFAULTS.withTimeout(timeout))
            .build());
  }

  @Test
  void sleepWithinTheTimeoutFinishesAndIsMeasured() {
    ExecutionResult result = sleep("ms=50&n=2", Duration.ofSeconds(5));

    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(result.stdoutText()).isEqualTo("slept 100 ms\n");
    assertThat(result.sleptNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(result.durationNanos()).isGreaterThanOrEqualTo(result.sleptNanos());
  }

  @Test
  void sleepLongerThanTheTimeoutEndsAtOnceAsATimeout() {
    Duration timeout = Duration.ofSeconds(2);

    ExecutionResult result = sleep("ms=3600000", timeout);

    assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(result.message())
        .isEqualTo("sleep of 3600000 ms would pass the wall-clock timeout of PT2S");
    // Not started at all: the worker is free long before the timeout.
    assertThat(result.durationNanos()).isLessThan(timeout.toNanos());
    assertThat(result.sleptNanos()).isZero();
  }

  @Test
  void sleepsAddingUpPastTheTimeoutStopBeforeIt() {
    Duration timeout = Duration.ofSeconds(1);

    ExecutionResult result = sleep("ms=200&n=100", timeout);

    assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(result.durationNanos()).isLessThanOrEqualTo(timeout.toNanos());
    // The sleeps that fit were taken (4 or 5 of 200 ms, depending on instantiation time).
    assertThat(result.sleptNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(600).toNanos());
  }

  @Test
  void sleepingUsesNoFuelBeyondTheGuestsOwnInstructions() {
    // Same number of digits, so printing the result costs the same instructions.
    ExecutionResult shortSleep = sleep("ms=100", Duration.ofSeconds(5));
    ExecutionResult longSleep = sleep("ms=400", Duration.ofSeconds(5));

    assertThat(longSleep.fuelConsumed()).isEqualTo(shortSleep.fuelConsumed());
  }
}
