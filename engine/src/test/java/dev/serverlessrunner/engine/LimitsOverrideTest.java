package dev.serverlessrunner.engine;

import static dev.serverlessrunner.engine.EngineTestSupport.query;
import static dev.serverlessrunner.engine.EngineTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A function's own limits replace the defaults. */
@Timeout(60)
class LimitsOverrideTest {

  private static Engine engine;

  @BeforeAll
  static void start() {
    engine = new Engine(EngineOptions.defaults(), new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @Test
  void smallerFuelBudgetStopsWorkTheDefaultAllows() {
    Invocation invocation =
        Invocation.builder()
            .env("QUERY_STRING", "n=20")
            .limits(Limits.DEFAULTS.withFuel(10_000))
            .build();

    assertThat(run(engine, "fib", query("n=20")).outcome()).isEqualTo(Outcome.OK);
    assertThat(run(engine, "fib", invocation).outcome()).isEqualTo(Outcome.FUEL_EXHAUSTED);
  }

  @Test
  void smallerMemoryLimitCapsGrowth() {
    Invocation invocation =
        Invocation.builder().limits(Limits.DEFAULTS.withMemoryBytes(4L << 20)).build();

    ExecutionResult result = run(engine, "alloc-past-cap", invocation);

    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(allocatedMiB(result)).isLessThan(4);
    assertThat(result.peakMemoryPages()).isLessThanOrEqualTo(64);
  }

  @Test
  void largerMemoryLimitAllowsMoreGrowth() {
    Invocation invocation =
        Invocation.builder().limits(Limits.DEFAULTS.withMemoryBytes(96L << 20)).build();

    ExecutionResult result = run(engine, "alloc-past-cap", invocation);

    assertThat(allocatedMiB(result)).isBetween(64, 95);
  }

  @Test
  void memoryLimitBelowTheModulesInitialMemoryRefusesTheRun() {
    Invocation invocation =
        Invocation.builder().limits(Limits.DEFAULTS.withMemoryBytes(64 << 10)).build();

    ExecutionResult result = run(engine, "greeter", invocation);

    assertThat(result.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(result.message()).contains("above this function's limit of 1 pages");
  }

  @Test
  void smallerStdoutCapTruncatesEarlier() {
    Invocation invocation =
        Invocation.builder().limits(Limits.DEFAULTS.withMaxStdoutBytes(1000)).build();

    ExecutionResult result = run(engine, "stdout-flood", invocation);

    assertThat(result.stdout()).hasSize(1000);
    assertThat(result.stdoutTruncated()).isTrue();
  }

  @Test
  void stderrCapAppliesToStderr() {
    Invocation invocation =
        Invocation.builder().limits(Limits.DEFAULTS.withMaxStderrBytes(5)).build();

    ExecutionResult result = run(engine, "exit-nonzero", invocation);

    assertThat(result.stderr()).hasSize(5);
    assertThat(result.stderrTruncated()).isTrue();
    assertThat(result.stdoutTruncated()).isFalse();
  }

  private static int allocatedMiB(ExecutionResult result) {
    Matcher matcher = Pattern.compile("allocated (\\d+) MiB").matcher(result.stdoutText());
    assertThat(matcher.find()).as("output %s", result.stdoutText()).isTrue();
    return Integer.parseInt(matcher.group(1));
  }
}
