package dev.serverlessrunner.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.source.FunctionConfig;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The invocation meters in OpenTelemetry's FaaS names, per function. */
@Timeout(60)
class FunctionMetersTest {

  private static LoadedModule greeter;
  private static LoadedModule greeterReloaded;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FunctionMeters meters = new FunctionMeters(registry);

  @BeforeAll
  static void load() {
    ModuleLoader loader =
        new ModuleLoader(
            ModulePolicy.DEFAULTS, CompilationMode.COMPILED, new SimpleMeterRegistry());
    greeter = loader.load(Guests.bytes("greeter"));
    greeterReloaded = loader.load(Guests.bytes("greeter"));
  }

  @Test
  void successesErrorsAndTimeoutsAreCountedPerFunction() {
    ServedFunction fib = served("fib", greeter);
    meters.record(fib, run(Outcome.OK, 1_000, 10));
    meters.record(fib, run(Outcome.OK, 3_000, 30));
    meters.record(fib, run(Outcome.EXIT, 2_000, 5));
    meters.record(fib, run(Outcome.FUEL_EXHAUSTED, 5_000, 100));
    meters.record(fib, run(Outcome.TIMEOUT, 9_000, 50));
    meters.record(served("greeter", greeter), run(Outcome.OK, 2_000, 7));

    assertThat(counter("faas.invocations", "fib")).isEqualTo(2);
    assertThat(counter("faas.invocations", "greeter")).isEqualTo(1);
    assertThat(find("faas.errors", "fib").tag("error.type", "exit").counter().count()).isEqualTo(1);
    assertThat(find("faas.errors", "fib").tag("error.type", "fuel").counter().count()).isEqualTo(1);
    assertThat(find("faas.errors", "fib").tag("error.type", "timeout").counter().count())
        .isEqualTo(1);
    assertThat(counter("faas.timeouts", "fib")).isEqualTo(2);
    assertThat(counter("faas.timeouts", "greeter")).isZero();
    assertThat(find("faas.invoke_duration", "fib").timer().count()).isEqualTo(5);
    assertThat(find("runner.invocations.fuel", "fib").summary().totalAmount()).isEqualTo(195);
  }

  @Test
  void aRefusedResponseIsAnInvalidResponseErrorNotASuccess() {
    ServedFunction cgi = served("cgi", greeter);
    meters.record(cgi, run(Outcome.OK, 1_000, 10), true);
    meters.record(cgi, run(Outcome.OK, 1_000, 10), false);

    assertThat(counter("faas.invocations", "cgi")).isEqualTo(1);
    assertThat(find("faas.errors", "cgi").tag("error.type", "invalid_response").counter().count())
        .isEqualTo(1);
    assertThat(find("faas.invoke_duration", "cgi").timer().count()).isEqualTo(2);
  }

  @Test
  void durationsFallInBucketsFromFiftyMicrosecondsToAMinute() {
    ServedFunction fib = served("fib", greeter);
    meters.record(fib, run(Outcome.OK, TimeUnit.MICROSECONDS.toNanos(30), 1));
    meters.record(fib, run(Outcome.OK, TimeUnit.MILLISECONDS.toNanos(3), 1));
    meters.record(fib, run(Outcome.TIMEOUT, TimeUnit.SECONDS.toNanos(45), 1));

    CountAtBucket[] buckets =
        find("faas.invoke_duration", "fib").timer().takeSnapshot().histogramCounts();

    assertThat(cumulative(buckets, 50e-6)).isEqualTo(1);
    assertThat(cumulative(buckets, 2.5e-3)).isEqualTo(1);
    assertThat(cumulative(buckets, 5e-3)).isEqualTo(2);
    assertThat(cumulative(buckets, 30)).isEqualTo(2);
    assertThat(cumulative(buckets, 60)).isEqualTo(3);
  }

  @Test
  void firstRunOfEachModuleVersionIsAColdStart() {
    meters.record(served("greeter", greeter), run(Outcome.OK, 1_000, 1));
    meters.record(served("greeter", greeter), run(Outcome.OK, 1_000, 1));
    meters.record(served("greeter", greeter), run(Outcome.TRAP, 1_000, 1));
    assertThat(counter("faas.coldstarts", "greeter")).isEqualTo(1);

    meters.record(served("greeter", greeterReloaded), run(Outcome.OK, 1_000, 1));
    meters.record(served("greeter", greeterReloaded), run(Outcome.OK, 1_000, 1));
    meters.record(served("other", greeter), run(Outcome.OK, 1_000, 1));

    assertThat(counter("faas.coldstarts", "greeter")).isEqualTo(2);
    assertThat(counter("faas.coldstarts", "other")).isEqualTo(1);
  }

  @Test
  void memoryIsTheGuestsPagesInBytes() {
    meters.record(served("fib", greeter), run(Outcome.OK, 1_000, 1));

    assertThat(find("faas.mem_usage", "fib").summary().totalAmount()).isEqualTo(3 * 65_536);
  }

  @Test
  void documentedDurationNameStaysAsAnAliasByFunctionAndOutcome() {
    ServedFunction fib = served("fib", greeter);
    meters.record(fib, run(Outcome.OK, 1_000, 10));
    meters.record(fib, run(Outcome.FUEL_EXHAUSTED, 5_000, 100));

    assertThat(
            registry
                .get("runner.invocations")
                .tags("function", "fib", "outcome", "fuel_exhausted")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("runner.invocations")
                .tags("function", "fib", "outcome", "ok")
                .timer()
                .count())
        .isEqualTo(1);
  }

  private RequiredSearch find(String name, String function) {
    return registry.get(name).tags("faas.name", function, "faas.trigger", "http");
  }

  private double counter(String name, String function) {
    return find(name, function).counter().count();
  }

  private static double cumulative(CountAtBucket[] buckets, double upperBoundSeconds) {
    return Arrays.stream(buckets)
        .filter(b -> Math.abs(b.bucket(TimeUnit.SECONDS) - upperBoundSeconds) < 1e-9)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no bucket le=" + upperBoundSeconds))
        .count();
  }

  private static ServedFunction served(String name, LoadedModule module) {
    return new ServedFunction(
        name, module, new byte[0], FunctionConfig.defaults(), Limits.DEFAULTS, 1 << 20);
  }

  private static ExecutionResult run(Outcome outcome, long nanos, long fuel) {
    byte[] none = new byte[0];
    int exitCode = outcome == Outcome.EXIT ? 3 : 0;
    return new ExecutionResult(
        outcome, exitCode, none, false, none, false, nanos, fuel, 3, "", "sha256:x");
  }
}
