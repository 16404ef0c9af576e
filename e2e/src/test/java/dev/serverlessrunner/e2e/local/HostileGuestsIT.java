package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.crd.function.WasmFunction;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile guests deployed like any function and called through HTTP: each is stopped by its limits,
 * answered with the documented error, and recorded with its outcome.
 */
@ExtendWith(LocalPlatformExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HostileGuestsIT {

  private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);

  @Test
  void loopForeverIsStoppedByFuelWith504(LocalPlatform platform) {
    RunnerClient.Reply reply = deployAndCall(platform, "hostile-loop", "loop-forever", 0);

    assertThat(reply.status()).isEqualTo(504);
    assertThat(reply.body()).contains("Execution timed out").contains("fuel exhausted");
    assertThat(recordedOutcome(platform, reply)).isEqualTo("fuel");
  }

  @Test
  void nonZeroExitAnswers500WithTheExitCode(LocalPlatform platform) {
    RunnerClient.Reply reply = deployAndCall(platform, "hostile-exit", "exit-nonzero", 1);

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.body()).contains("Wasm exited with code 3");
    assertThat(recordedOutcome(platform, reply)).isEqualTo("exit");
  }

  @Test
  void trapAnswers500(LocalPlatform platform) {
    RunnerClient.Reply reply = deployAndCall(platform, "hostile-trap", "trap", 0);

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.body()).contains("Wasm trapped");
    assertThat(recordedOutcome(platform, reply)).isEqualTo("trap");
  }

  @Test
  void unboundedRecursionAnswers500CallStackExhausted(LocalPlatform platform) {
    RunnerClient.Reply reply = deployAndCall(platform, "hostile-recurse", "recurse-forever", 1);

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.body()).contains("Call stack exhausted");
    assertThat(recordedOutcome(platform, reply)).isEqualTo("stack");
  }

  @Test
  void bytesThatAreNotWasmAreRefusedByTheOperatorAndNeverServed(LocalPlatform platform) {
    platform.functions().createFromConfigMap("hostile-not-wasm", "not-wasm", f -> {});

    assertThat(
            platform
                .functions()
                .awaitCondition("hostile-not-wasm", "SourceResolved", "NotWasm")
                .getStatus())
        .isEqualTo("False");
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      assertThat(runner.client().post("hostile-not-wasm", "").status()).isEqualTo(404);
    }
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "simd                | uses SIMD",
        "no-start            | has no _start export",
        "unknown-import      | env.launch_missiles",
        "gc-types            | declares a GC struct type",
      })
  void modulesTheRunnersPolicyRefusesAreNeverReadyNorServed(
      String guest, String reason, LocalPlatform platform) {
    String name = "refused-" + guest;
    platform.functions().createFromConfigMap(name, guest, f -> {});

    Condition source = platform.functions().awaitCondition(name, "SourceResolved", "PolicyRefused");
    assertThat(source.getStatus()).isEqualTo("False");
    assertThat(source.getMessage()).contains(reason);
    Condition ready = platform.functions().awaitCondition(name, "Ready", "PolicyRefused");
    assertThat(ready.getStatus()).isEqualTo("False");
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      assertThat(runner.client().post(name, "").status()).isEqualTo(404);
    }
  }

  /** Deploys {@code guest} with tight limits and calls it once on runner {@code runnerIndex}. */
  private static RunnerClient.Reply deployAndCall(
      LocalPlatform platform, String name, String guest, int runnerIndex) {
    platform.functions().createFromConfigMap(name, guest, HostileGuestsIT::tightLimits);
    platform.functions().awaitReady(name);
    RunnerClient runner = platform.runners().get(runnerIndex).client();
    return org.awaitility.Awaitility.await(name + " loaded on " + runner.name())
        .atMost(SERVE_TIMEOUT)
        .until(() -> runner.post(name, ""), r -> r.status() != 404);
  }

  private static void tightLimits(WasmFunction function) {
    FunctionLimits limits = new FunctionLimits();
    limits.setFuel(20_000_000L);
    limits.setTimeout("5s");
    limits.setMemory("16Mi");
    function.getSpec().setLimits(limits);
    function.getSpec().setEnv(List.of());
    function.getSpec().setArgs(List.of());
  }

  private static String recordedOutcome(LocalPlatform platform, RunnerClient.Reply reply) {
    return Records.awaitRow(platform, reply.executionId().orElseThrow()).outcome();
  }
}
