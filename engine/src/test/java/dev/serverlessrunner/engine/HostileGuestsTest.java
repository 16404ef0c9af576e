package dev.serverlessrunner.engine;

import static dev.serverlessrunner.engine.EngineTestSupport.query;
import static dev.serverlessrunner.engine.EngineTestSupport.run;
import static dev.serverlessrunner.engine.EngineTestSupport.stdin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.sandbox.Deadline;
import dev.serverlessrunner.engine.sandbox.Sandbox;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every hostile guest of the corpus is contained, with the right outcome. */
@Timeout(120)
class HostileGuestsTest {

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
  void hostStillServes() {
    ExecutionResult result = run(engine, "greeter", stdin("Alice"));
    assertThat(result.stdoutText()).isEqualTo("Hello, Alice!");
  }

  @Test
  void nonZeroExitIsReportedWithItsCodeAndBothStreams() {
    ExecutionResult result = run(engine, "exit-nonzero", Invocation.of(new byte[0]));

    assertThat(result.outcome()).isEqualTo(Outcome.EXIT);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.message()).isEqualTo("Wasm exited with code 3");
    assertThat(result.stdout()).isNotEmpty();
    assertThat(result.stderr()).isNotEmpty();
  }

  @Test
  void trapIsReportedWithTheOutputWrittenBeforeIt() {
    ExecutionResult result = run(engine, "trap", Invocation.of(new byte[0]));

    assertThat(result.outcome()).isEqualTo(Outcome.TRAP);
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.stdoutText()).isEqualTo("trap: about to execute unreachable\n");
    assertThat(result.message()).startsWith("trap: ");
  }

  @Test
  void tightCLoopRunsOutOfFuel() {
    Limits limits = Limits.DEFAULTS.withFuel(5_000_000);
    ExecutionResult result =
        run(engine, "loop-forever", Invocation.builder().limits(limits).build());

    assertThat(result.outcome()).isEqualTo(Outcome.FUEL_EXHAUSTED);
    assertThat(result.fuelConsumed()).isEqualTo(5_000_000);
  }

  @Test
  void smallestWatLoopRunsOutOfDefaultFuel() {
    ExecutionResult result = run(engine, "wat-loop", Invocation.of(new byte[0]));

    assertThat(result.outcome()).isEqualTo(Outcome.FUEL_EXHAUSTED);
    assertThat(result.fuelConsumed()).isEqualTo(Limits.DEFAULTS.fuel());
  }

  @Test
  void wallClockTimeoutStopsALoopWithPlentyOfFuel() {
    Limits limits =
        Limits.DEFAULTS.withFuel(Long.MAX_VALUE / 2).withTimeout(Duration.ofMillis(300));
    ExecutionResult result =
        run(engine, "loop-forever", Invocation.builder().limits(limits).build());

    assertThat(result.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(result.durationNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
  }

  @Test
  void unboundedRecursionExhaustsTheCallStackWithoutHarmingTheWorker() {
    Limits limits = Limits.DEFAULTS.withFuel(Long.MAX_VALUE / 2);
    ExecutionResult result =
        run(engine, "recurse-forever", Invocation.builder().limits(limits).build());

    assertThat(result.outcome()).isEqualTo(Outcome.STACK_EXHAUSTED);
  }

  @Test
  void mallocPastTheCapGetsNullAndExitsNormally() {
    ExecutionResult result = run(engine, "alloc-past-cap", Invocation.of(new byte[0]));

    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(allocatedMiB(result)).isBetween(1, 63);
    assertThat(result.peakMemoryPages()).isLessThanOrEqualTo(1024);
  }

  @Test
  void trapAfterAFailedGrowAtTheCapIsAMemoryLimit() {
    ExecutionResult result = run(engine, "alloc-trap", Invocation.of(new byte[0]));

    assertThat(result.outcome()).isEqualTo(Outcome.MEMORY_LIMIT);
    assertThat(result.peakMemoryPages()).isBetween(1024 - 64, 1024);
  }

  @Test
  void stdoutFloodIsTruncatedAtTheCapAndTheGuestSeesAnError() {
    ExecutionResult result = run(engine, "stdout-flood", Invocation.of(new byte[0]));

    assertThat(result.stdout()).hasSize(Limits.DEFAULTS.maxStdoutBytes());
    assertThat(result.stdoutTruncated()).isTrue();
    assertThat(result.outcome()).isEqualTo(Outcome.EXIT);
    assertThat(result.exitCode()).isEqualTo(1);
  }

  @Test
  void hugeIovecMakesTheHostAllocateNothingLarge() {
    LoadedModule module = engine.load(Guests.bytes("fd-read-huge-iovec"));
    Sandbox sandbox = new Sandbox();
    sandbox.run(module, stdin("warm-up"), Deadline.none());
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    long before = threads.getCurrentThreadAllocatedBytes();
    ExecutionResult result = sandbox.run(module, stdin("some input"), Deadline.none());
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(result.stdoutText()).isEqualTo("survived\n");
    assertThat(allocated).isLessThan(4L << 20);
  }

  @Test
  void guestSeesNoneOfTheHostEnvironment() {
    ExecutionResult result = run(engine, "host-env", Invocation.of(new byte[0]));

    assertThat(result.stdoutText()).isEqualTo("HOME=(unset)\nPATH=(unset)\nUSER=(unset)\n");
  }

  @Test
  void guestCannotOpenHostFiles() {
    ExecutionResult result = run(engine, "read-host-file", Invocation.of(new byte[0]));

    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(result.stdoutText()).doesNotContain("OPENED").contains("/etc/passwd: denied");
  }

  @Test
  void guestSeesExactlyTheDeclaredArgumentsAndEnvironment() {
    Invocation invocation =
        Invocation.builder()
            .args(java.util.List.of("env-dump", "--flag"))
            .env("GREETING", "hi")
            .env("QUERY_STRING", "a=1")
            .build();

    ExecutionResult result = run(engine, "env-dump", invocation);

    assertThat(result.stdoutText())
        .isEqualTo("arg: env-dump\narg: --flag\nGREETING=hi\nQUERY_STRING=a=1\n");
  }

  @Test
  void callBoundGuestRunsOutOfFuelForLargeInputs() {
    ExecutionResult result = run(engine, "fib", query("n=40"));

    assertThat(result.outcome()).isEqualTo(Outcome.FUEL_EXHAUSTED);
  }

  private static int allocatedMiB(ExecutionResult result) {
    Matcher matcher = Pattern.compile("allocated (\\d+) MiB").matcher(result.stdoutText());
    assertThat(matcher.find()).as("output %s", result.stdoutText()).isTrue();
    return Integer.parseInt(matcher.group(1));
  }
}
