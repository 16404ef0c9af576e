package dev.serverlessrunner.engine;

import static dev.serverlessrunner.engine.EngineTestSupport.query;
import static dev.serverlessrunner.engine.EngineTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.load.CompilationMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fuel is a deterministic function of module and input, whatever executes it. */
@Timeout(120)
class FuelDeterminismTest {

  private static Engine compiled;
  private static Engine interpreted;

  @BeforeAll
  static void start() {
    compiled = new Engine(EngineOptions.defaults(), new SimpleMeterRegistry());
    interpreted =
        new Engine(
            EngineOptions.defaults().withMode(CompilationMode.INTERPRETED),
            new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    compiled.close();
    interpreted.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"fib, n=20", "sha256-loop, n=200", "greeter, ''"})
  void sameInputConsumesTheSameFuelEveryRun(String guest, String queryString) {
    ExecutionResult first = run(compiled, guest, query(queryString));
    ExecutionResult second = run(compiled, guest, query(queryString));

    assertThat(first.outcome()).isEqualTo(Outcome.OK);
    assertThat(first.fuelConsumed()).isPositive().isEqualTo(second.fuelConsumed());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"fib, n=20", "sha256-loop, n=200", "greeter, ''"})
  void interpreterAndCompilerConsumeTheSameFuel(String guest, String queryString) {
    ExecutionResult byCompiler = run(compiled, guest, query(queryString));
    ExecutionResult byInterpreter = run(interpreted, guest, query(queryString));

    assertThat(byInterpreter.stdoutText()).isEqualTo(byCompiler.stdoutText());
    assertThat(byInterpreter.fuelConsumed()).isEqualTo(byCompiler.fuelConsumed());
  }

  @Test
  void moreWorkConsumesMoreFuel() {
    long fib15 = run(compiled, "fib", query("n=15")).fuelConsumed();
    long fib20 = run(compiled, "fib", query("n=20")).fuelConsumed();

    // fib(20) makes 11x the calls of fib(15); libc start-up is the same for both.
    assertThat(fib20).isGreaterThan(fib15 * 5);
  }

  @Test
  void exhaustionIsReportedAtTheSameBudgetInBothModes() {
    Invocation invocation =
        Invocation.builder()
            .env("QUERY_STRING", "n=25")
            .limits(Limits.DEFAULTS.withFuel(1_000_000))
            .build();

    ExecutionResult byCompiler = run(compiled, "fib", invocation);
    ExecutionResult byInterpreter = run(interpreted, "fib", invocation);

    assertThat(byCompiler.outcome()).isEqualTo(Outcome.FUEL_EXHAUSTED);
    assertThat(byInterpreter.outcome()).isEqualTo(Outcome.FUEL_EXHAUSTED);
    assertThat(byInterpreter.fuelConsumed())
        .isEqualTo(byCompiler.fuelConsumed())
        .isEqualTo(1_000_000);
  }
}
