package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.guests.Guests;
import io.fabric8.kubernetes.api.model.Condition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A function served from a ConfigMap: from {@code kubectl apply} to answers and records. */
@ExtendWith(LocalPlatformExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ConfigMapFunctionIT {

  private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);

  @Test
  void becomesReadyWithTheDigestOfTheConfigMapBytes(LocalPlatform platform) {
    platform.functions().createFromConfigMap("cm-ready", "greeter", f -> {});

    WasmFunctionStatus status = platform.functions().awaitReady("cm-ready");

    assertThat(status.getDigest()).isEqualTo(Digest.of(Guests.bytes("greeter")));
    assertThat(status.getSizeBytes()).isEqualTo(Guests.bytes("greeter").length);
    assertThat(Conditions.find(status, "SourceResolved").orElseThrow().getReason())
        .isEqualTo("Resolved");
  }

  @Test
  void isServedByEveryRunnerAndRecordedOnTheShardItsIdNames(LocalPlatform platform) {
    platform.functions().createFromConfigMap("cm-serve", "greeter", f -> {});
    String digest = platform.functions().awaitReady("cm-serve").getDigest();

    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      RunnerClient.Reply reply = Served.await(runner.client(), "cm-serve", "Alice", SERVE_TIMEOUT);

      assertThat(reply.body()).isEqualTo("Hello, Alice!");
      UUID id = reply.executionId().orElseThrow();
      Records.Row row = Records.awaitRow(platform, id);
      assertThat(row.shard()).isEqualTo(Records.shardOf(platform, id));
      assertThat(row.function()).isEqualTo("cm-serve");
      assertThat(row.moduleDigest()).isEqualTo(digest);
      for (LocalPlatform.RunnerPod reader : platform.runners()) {
        assertThat(reader.client().record(id).body())
            .contains("\"module_digest\":\"" + digest + "\"");
      }
    }
  }

  @Test
  void newConfigMapContentIsServedByEveryRunnerUnderItsNewDigest(LocalPlatform platform) {
    platform.functions().createFromConfigMap("cm-update", "greeter", f -> {});
    platform.functions().awaitReady("cm-update");
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      Served.await(runner.client(), "cm-update", "x", SERVE_TIMEOUT);
    }

    platform.functions().putModule("cm-update", "greeter.wasm", Guests.bytes("echo"));

    String newDigest = Digest.of(Guests.bytes("echo"));
    platform
        .functions()
        .awaitStatus("cm-update", "new digest", s -> newDigest.equals(s.getDigest()));
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      RunnerClient.Reply reply =
          await(runner.name() + " serving the new module")
              .atMost(SERVE_TIMEOUT)
              .until(() -> runner.client().post("cm-update", "ping"), r -> "ping".equals(r.body()));
      assertThat(Records.awaitRow(platform, reply.executionId().orElseThrow()).moduleDigest())
          .isEqualTo(newDigest);
    }
  }

  @Test
  void invalidModuleIsReportedWhileThePreviousVersionKeepsServing(LocalPlatform platform) {
    platform.functions().createFromConfigMap("cm-invalid", "greeter", f -> {});
    String goodDigest = platform.functions().awaitReady("cm-invalid").getDigest();
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      Served.await(runner.client(), "cm-invalid", "x", SERVE_TIMEOUT);
    }

    platform
        .functions()
        .putModule(
            "cm-invalid", "greeter.wasm", "not a module".getBytes(StandardCharsets.US_ASCII));

    Condition resolved =
        platform.functions().awaitCondition("cm-invalid", "SourceResolved", "NotWasm");
    assertThat(resolved.getStatus()).isEqualTo("False");
    assertThat(platform.functions().resource("cm-invalid").get().getStatus().getDigest())
        .isEqualTo(goodDigest);
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      RunnerClient.Reply reply = runner.client().post("cm-invalid", "Bob");
      assertThat(reply.status()).as(runner.name()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo("Hello, Bob!");
    }
  }

  @Test
  void deletedFunctionAnswers404OnEveryRunner(LocalPlatform platform) {
    platform.functions().createFromConfigMap("cm-delete", "greeter", f -> {});
    platform.functions().awaitReady("cm-delete");
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      Served.await(runner.client(), "cm-delete", "x", SERVE_TIMEOUT);
    }

    platform.functions().resource("cm-delete").delete();

    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      RunnerClient.Reply reply =
          await(runner.name() + " dropping the function")
              .atMost(SERVE_TIMEOUT)
              .until(() -> runner.client().post("cm-delete", "x"), r -> r.status() == 404);
      assertThat(reply.body()).contains("Function not found");
      assertThat(reply.executionId()).isEmpty();
    }
  }
}
