package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.Abi;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.oci.PushResult;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A function published to an OCI registry: resolved by the operator, pulled by every runner. */
@ExtendWith(LocalPlatformExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OciFunctionIT {

  private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(30);

  @Test
  void becomesReadyWithTheDigestOfTheModuleLayer(LocalPlatform platform) {
    PushResult pushed = OciModules.push(platform, "fn/oci-ready:v1", "fib-cgi");
    OciModules.createPullSecret(platform);

    platform.functions().createFromOci("oci-ready", ref(platform, "fn/oci-ready:v1"), f -> {});

    WasmFunctionStatus status = platform.functions().awaitReady("oci-ready");
    assertThat(status.getDigest()).isEqualTo(pushed.moduleDigest());
    assertThat(status.getSizeBytes()).isEqualTo(pushed.moduleSize());
    assertThat(Conditions.find(status, "SourceResolved").orElseThrow().getMessage())
        .contains(pushed.manifestDigest());
  }

  @Test
  void isPulledAndServedByEveryRunnerWithItsRecordCommittedFirst(LocalPlatform platform) {
    PushResult pushed = OciModules.push(platform, "fn/oci-serve:v1", "fib-cgi");
    OciModules.createPullSecret(platform);
    platform.functions().createFromOci("oci-serve", ref(platform, "fn/oci-serve:v1"), f -> {});
    platform.functions().awaitReady("oci-serve");

    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      RunnerClient.Reply reply =
          await(runner.name() + " serving oci-serve")
              .atMost(SERVE_TIMEOUT)
              .until(() -> runner.client().get("oci-serve", "n=20"), r -> r.status() == 200);

      assertThat(reply.body().strip()).isEqualTo("6765");
      UUID id = reply.executionId().orElseThrow();
      // The sample is durability: sync, so the row exists when the answer arrives.
      Records.Row row = Records.rows(platform.shards(), id).getFirst();
      assertThat(row.shard()).isEqualTo(Records.shardOf(platform, id));
      assertThat(row.moduleDigest()).isEqualTo(pushed.moduleDigest());
    }
    // Each pod has its own (empty at start) blob cache, so each pulled the module itself.
    assertThat(
            platform
                .registry()
                .countRequests("GET /v2/fn/oci-serve/blobs/" + pushed.moduleDigest()))
        .isGreaterThanOrEqualTo(platform.runners().size());
  }

  @Test
  void newTagIsServedByEveryRunnerUnderItsNewDigest(LocalPlatform platform) {
    OciModules.push(platform, "fn/oci-update:v1", "fib");
    PushResult v2 = OciModules.push(platform, "fn/oci-update:v2", "greeter");
    OciModules.createPullSecret(platform);
    platform
        .functions()
        .createFromOci("oci-update", ref(platform, "fn/oci-update:v1"), OciFunctionIT::raw);
    platform.functions().awaitReady("oci-update");
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      await(runner.name() + " serving v1")
          .atMost(SERVE_TIMEOUT)
          .until(
              () -> runner.client().get("oci-update", "n=10"), r -> "55".equals(r.body().strip()));
    }

    platform
        .functions()
        .resource("oci-update")
        .edit(
            f -> {
              f.getSpec().getSource().getOci().setRef(ref(platform, "fn/oci-update:v2"));
              return f;
            });

    platform
        .functions()
        .awaitStatus("oci-update", "v2 digest", s -> v2.moduleDigest().equals(s.getDigest()));
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      RunnerClient.Reply reply =
          await(runner.name() + " serving v2")
              .atMost(SERVE_TIMEOUT)
              .until(
                  () -> runner.client().post("oci-update", "Ada"),
                  r -> "Hello, Ada!".equals(r.body()));
      assertThat(Records.awaitRow(platform, reply.executionId().orElseThrow()).moduleDigest())
          .isEqualTo(v2.moduleDigest());
    }
  }

  @Test
  void missingTagIsReportedWhileThePreviousVersionKeepsServing(LocalPlatform platform) {
    PushResult v1 = OciModules.push(platform, "fn/oci-missing:v1", "fib");
    OciModules.createPullSecret(platform);
    platform
        .functions()
        .createFromOci("oci-missing", ref(platform, "fn/oci-missing:v1"), OciFunctionIT::raw);
    platform.functions().awaitReady("oci-missing");
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      await(runner.name() + " serving v1")
          .atMost(SERVE_TIMEOUT)
          .until(() -> runner.client().get("oci-missing", "n=10"), r -> r.status() == 200);
    }

    platform
        .functions()
        .resource("oci-missing")
        .edit(
            f -> {
              f.getSpec().getSource().getOci().setRef(ref(platform, "fn/oci-missing:absent"));
              return f;
            });

    Condition resolved =
        platform.functions().awaitCondition("oci-missing", "SourceResolved", "ManifestNotFound");
    assertThat(resolved.getStatus()).isEqualTo("False");
    assertThat(platform.functions().resource("oci-missing").get().getStatus().getDigest())
        .isEqualTo(v1.moduleDigest());
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      RunnerClient.Reply reply = runner.client().get("oci-missing", "n=10");
      assertThat(reply.status()).as(runner.name()).isEqualTo(200);
      assertThat(reply.body().strip()).isEqualTo("55");
    }
  }

  private static String ref(LocalPlatform platform, String repositoryAndTag) {
    return platform.registry().registry() + "/" + repositoryAndTag;
  }

  /** The OCI sample speaks CGI; these tests serve plain (raw) guests. */
  private static void raw(WasmFunction function) {
    function.getSpec().setAbi(Abi.RAW);
  }
}
