package dev.serverlessrunner.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.EngineOptions;
import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.load.ModuleDigest;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.source.FunctionConfig;
import dev.serverlessrunner.runner.source.FunctionDefinition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner's one registry of functions: names to loaded modules, swapped atomically. */
@Timeout(120)
class FunctionRegistryTest {

  private static Engine engine;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FunctionRegistry registry =
      new FunctionRegistry(engine, Limits.DEFAULTS, 1 << 20, meters);

  @BeforeAll
  static void start() {
    engine = new Engine(EngineOptions.defaults(), new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @Test
  void replacedFunctionServesTheNewModuleWhileEarlierRequestsFinishOnTheOld() throws Exception {
    registry.upsert(definition("rebound", "sha256-loop"));
    ServedFunction old = registry.lookup("rebound").orElseThrow();
    CompletionStage<ExecutionResult> inFlight =
        engine.submit(old.module(), Invocation.builder().env("QUERY_STRING", "n=2000").build());

    registry.upsert(definition("rebound", "greeter"));
    ServedFunction replacement = registry.lookup("rebound").orElseThrow();
    ExecutionResult after = run(replacement, "Bob");
    ExecutionResult before = inFlight.toCompletableFuture().get(60, TimeUnit.SECONDS);

    assertThat(before.outcome()).as(before.toString()).isEqualTo(Outcome.OK);
    assertThat(before.moduleDigest()).isEqualTo(ModuleDigest.of(Guests.bytes("sha256-loop")));
    assertThat(before.stdoutText()).matches("[0-9a-f]{64}\\n");
    assertThat(after.moduleDigest()).isEqualTo(ModuleDigest.of(Guests.bytes("greeter")));
    assertThat(after.stdoutText()).isEqualTo("Hello, Bob!");
  }

  @Test
  void refusedReplacementKeepsThePreviousVersionServingAndIsReported() {
    registry.upsert(definition("kept", "greeter"));
    ServedFunction greeter = registry.lookup("kept").orElseThrow();

    registry.upsert(definition("kept", "simd"));

    assertThat(registry.lookup("kept")).containsSame(greeter);
    assertThat(registry.problems()).containsKey("kept");
    assertThat(registry.problems().get("kept")).contains("refused").contains("SIMD");
  }

  @Test
  void unknownAndRemovedFunctionsAreNotServed() {
    registry.upsert(definition("gone", "greeter"));

    registry.remove("gone");

    assertThat(registry.lookup("gone")).isEmpty();
    assertThat(registry.lookup("nobody")).isEmpty();
    assertThat(registry.names()).doesNotContain("gone", "nobody");
  }

  @Test
  void eachNewModuleVersionRecordsItsInitDuration() {
    registry.upsert(definition("timed", "greeter"));
    registry.upsert(definition("timed", "greeter"));
    registry.upsert(definition("timed", "sha256-loop"));

    assertThat(
            meters
                .get("faas.init_duration")
                .tags("faas.name", "timed", "faas.trigger", "http")
                .timer()
                .count())
        .isEqualTo(2);
  }

  @Test
  void batchIsLoadedInParallelAndEachFailureIsNamedWithItsOwnReason() throws Exception {
    FunctionRegistry parallel =
        new FunctionRegistry(
            engine,
            Limits.DEFAULTS,
            1 << 20,
            dev.serverlessrunner.crd.pool.FunctionCeilings.DEFAULTS,
            4,
            new SimpleMeterRegistry());

    parallel.upsertAll(
        java.util.List.of(
            definition("batch-greeter", "greeter"),
            definition("batch-simd", "simd"),
            definition("batch-fib", "fib"),
            definition("batch-garbage", "not-wasm"),
            definition("batch-sha", "sha256-loop"),
            definition("batch-table", "huge-table")));

    assertThat(parallel.names())
        .containsExactlyInAnyOrder("batch-greeter", "batch-fib", "batch-sha");
    assertThat(parallel.problems()).containsOnlyKeys("batch-simd", "batch-garbage", "batch-table");
    assertThat(parallel.problems().get("batch-simd")).contains("refused").contains("SIMD");
    assertThat(parallel.problems().get("batch-garbage")).contains("not a valid WebAssembly module");
    assertThat(parallel.problems().get("batch-table")).contains("table 0");
    assertThat(run(parallel.lookup("batch-greeter").orElseThrow(), "Ann").stdoutText())
        .isEqualTo("Hello, Ann!");
  }

  @Test
  void batchWithOneNameTwiceServesTheLaterDefinition() {
    FunctionRegistry parallel =
        new FunctionRegistry(
            engine,
            Limits.DEFAULTS,
            1 << 20,
            dev.serverlessrunner.crd.pool.FunctionCeilings.DEFAULTS,
            4,
            new SimpleMeterRegistry());

    parallel.upsertAll(
        java.util.List.of(definition("twice", "fib"), definition("twice", "greeter")));

    assertThat(parallel.lookup("twice").orElseThrow().module().digest())
        .isEqualTo(ModuleDigest.of(Guests.bytes("greeter")));
  }

  private static FunctionDefinition definition(String name, String guest) {
    return new FunctionDefinition(name, Guests.bytes(guest), FunctionConfig.defaults(), "test");
  }

  private static ExecutionResult run(ServedFunction function, String stdin) throws Exception {
    return engine
        .submit(
            function.module(),
            Invocation.builder()
                .stdin(stdin.getBytes(StandardCharsets.UTF_8))
                .limits(function.limits())
                .build())
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }
}
