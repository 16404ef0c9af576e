package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestFunctions;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@WithKubernetesTestServer(crud = true)
@QuarkusTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunnerPoolReconcilerIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient client;

  private RunnerPool create(RunnerPool pool) {
    pool.getMetadata().setGeneration(null);
    return client.resource(pool).create();
  }

  private <T extends HasMetadata> T child(Class<T> type, String pool) {
    return client
        .resources(type)
        .inNamespace(client.getNamespace())
        .withName(pool + "-runner")
        .get();
  }

  private <T extends HasMetadata> T awaitChild(Class<T> type, String pool) {
    return await().atMost(WAIT).until(() -> child(type, pool), c -> c != null);
  }

  private RunnerPool pool(String name) {
    return client
        .resources(RunnerPool.class)
        .inNamespace(client.getNamespace())
        .withName(name)
        .get();
  }

  @Test
  void createdPoolGetsEveryChildOwnedByIt() {
    RunnerPool pool = create(TestPools.fixed(client.getNamespace(), "alpha", 2));

    for (Class<? extends HasMetadata> type :
        List.of(
            ServiceAccount.class,
            Role.class,
            RoleBinding.class,
            Deployment.class,
            Service.class,
            PodDisruptionBudget.class,
            NetworkPolicy.class)) {
      HasMetadata child = awaitChild(type, "alpha");
      assertThat(child.getMetadata().getOwnerReferences())
          .as("owner of %s", type.getSimpleName())
          .singleElement()
          .satisfies(
              (OwnerReference o) -> {
                assertThat(o.getKind()).isEqualTo("RunnerPool");
                assertThat(o.getName()).isEqualTo("alpha");
                assertThat(o.getUid()).isEqualTo(pool.getMetadata().getUid());
              });
    }
    assertThat(child(Deployment.class, "alpha").getSpec().getReplicas()).isEqualTo(2);
    assertThat(child(HorizontalPodAutoscaler.class, "alpha")).isNull();
  }

  @Test
  void autoscaledPoolGetsAnHpaAndADeploymentWithoutReplicas() {
    create(TestPools.autoscaled(client.getNamespace(), "beta", 2, 32));

    HorizontalPodAutoscaler hpa = awaitChild(HorizontalPodAutoscaler.class, "beta");
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(32);
    assertThat(hpa.getMetadata().getOwnerReferences())
        .extracting(o -> o.getName())
        .containsExactly("beta");
    assertThat(awaitChild(Deployment.class, "beta").getSpec().getReplicas()).isNull();
  }

  @Test
  void specChangesReachTheChildren() {
    create(TestPools.fixed(client.getNamespace(), "gamma", 1));
    awaitChild(Deployment.class, "gamma");

    patchPool("gamma", "{\"spec\":{\"replicas\":3,\"image\":\"registry.local/runner:next\"}}");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Deployment d = child(Deployment.class, "gamma");
              assertThat(d.getSpec().getReplicas()).isEqualTo(3);
              assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  .isEqualTo("registry.local/runner:next");
            });
  }

  @Test
  void turningAutoscalingOnAndOffCreatesAndDeletesTheHpa() {
    create(TestPools.fixed(client.getNamespace(), "delta", 1));
    awaitChild(Deployment.class, "delta");

    patchPool(
        "delta",
        "{\"spec\":{\"replicas\":null,"
            + "\"autoscaling\":{\"maxReplicas\":8,\"targetCPUUtilization\":70}}}");
    awaitChild(HorizontalPodAutoscaler.class, "delta");

    patchPool("delta", "{\"spec\":{\"autoscaling\":null,\"replicas\":2}}");
    await().atMost(WAIT).until(() -> child(HorizontalPodAutoscaler.class, "delta") == null);
    await()
        .atMost(WAIT)
        .until(
            () -> child(Deployment.class, "delta").getSpec().getReplicas(),
            r -> r != null && r == 2);
  }

  @Test
  void handEditedDeploymentIsRestored() {
    create(TestPools.fixed(client.getNamespace(), "epsilon", 1));
    awaitChild(Deployment.class, "epsilon");

    client
        .apps()
        .deployments()
        .inNamespace(client.getNamespace())
        .withName("epsilon-runner")
        .edit(
            d -> {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
              return d;
            });

    await()
        .atMost(WAIT)
        .until(
            () ->
                child(Deployment.class, "epsilon")
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getImage(),
            image -> image.equals("ghcr.io/serverlessrunner/runner:0.1.0"));
  }

  @Test
  void deploymentStatusFlowsIntoThePoolStatus() {
    create(TestPools.withShards(TestPools.fixed(client.getNamespace(), "zeta", 2), "pg-0"));
    Deployment deployment = awaitChild(Deployment.class, "zeta");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(pool("zeta").getStatus())
                    .satisfies(s -> assertThat(s.getReadyReplicas()).isZero()));

    deployment.setStatus(
        new DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(2).build());
    client.resource(deployment).updateStatus();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RunnerPool pool = pool("zeta");
              assertThat(pool.getStatus().getReplicas()).isEqualTo(2);
              assertThat(pool.getStatus().getReadyReplicas()).isEqualTo(2);
              assertThat(pool.getStatus().getObservedGeneration())
                  .isEqualTo(pool.getMetadata().getGeneration());
              assertThat(pool.getStatus().getSelector())
                  .isEqualTo("app.kubernetes.io/name=runner,serverlessrunner.dev/pool=zeta");
              assertThat(Conditions.isTrue(pool.getStatus().getConditions(), "Ready")).isTrue();
            });
  }

  @Test
  void poolWithoutShardsGetsItsDeploymentAConditionAndOneWarningEvent() {
    create(TestPools.fixed(client.getNamespace(), "iota", 1));
    awaitChild(Deployment.class, "iota");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(
                      Conditions.find(pool("iota").getStatus().getConditions(), "Ready")
                          .orElseThrow())
                  .satisfies(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo(PoolStatusAggregator.NO_SHARDS);
                      });
              // The pool also has no authentication, which is warned about on its own.
              assertThat(client.v1().events().inNamespace(client.getNamespace()).list().getItems())
                  .filteredOn(e -> e.getInvolvedObject().getName().equals("iota"))
                  .filteredOn(e -> !e.getReason().equals(PoolStatusAggregator.NO_AUTHENTICATION))
                  .singleElement()
                  .satisfies(
                      (Event e) -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo(PoolStatusAggregator.NO_SHARDS);
                        assertThat(e.getInvolvedObject().getKind()).isEqualTo("RunnerPool");
                      });
            });
  }

  @Test
  void settledPoolAndDeploymentAreNotRewritten() {
    create(TestPools.fixed(client.getNamespace(), "eta", 1));
    awaitChild(Deployment.class, "eta");
    await()
        .atMost(WAIT)
        .until(() -> pool("eta").getStatus(), s -> s != null && s.getSelector() != null);
    String poolVersion = pool("eta").getMetadata().getResourceVersion();
    String deploymentVersion = child(Deployment.class, "eta").getMetadata().getResourceVersion();
    String roleVersion = child(Role.class, "eta").getMetadata().getResourceVersion();
    String policyVersion =
        awaitChild(NetworkPolicy.class, "eta").getMetadata().getResourceVersion();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(pool("eta").getMetadata().getResourceVersion()).isEqualTo(poolVersion);
              assertThat(child(Deployment.class, "eta").getMetadata().getResourceVersion())
                  .isEqualTo(deploymentVersion);
              assertThat(child(Role.class, "eta").getMetadata().getResourceVersion())
                  .isEqualTo(roleVersion);
              assertThat(child(NetworkPolicy.class, "eta").getMetadata().getResourceVersion())
                  .isEqualTo(policyVersion);
            });
  }

  @Test
  void scaleSubresourceSetsTheDeploymentReplicas() {
    create(TestPools.fixed(client.getNamespace(), "theta", 1));
    awaitChild(Deployment.class, "theta");

    client
        .resources(RunnerPool.class)
        .inNamespace(client.getNamespace())
        .withName("theta")
        .scale(4);

    await()
        .atMost(WAIT)
        .until(() -> child(Deployment.class, "theta").getSpec().getReplicas(), r -> r == 4);
  }

  @Test
  void runnerRoleNamesTheConfigMapsAndPullSecretsOfThePoolsFunctionsAsTheyChange() {
    String ns = client.getNamespace();
    create(TestPools.withShards(TestPools.fixed(ns, "kappa", 1), "pg-0"));
    awaitChild(Role.class, "kappa");

    createFunction(TestFunctions.fromConfigMap(ns, "kappa-hello", "kappa", "kappa-module"));
    createFunction(
        TestFunctions.fromOci(ns, "kappa-remote", "kappa", "registry.invalid/r:1", "kappa-login"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(namesGranted("kappa", "configmaps")).containsExactly("kappa-module");
              assertThat(namesGranted("kappa", "secrets")).containsExactly("kappa-login");
            });

    // Moved to another pool: its ConfigMap is no longer this pool's to read.
    client
        .resources(WasmFunction.class)
        .inNamespace(ns)
        .withName("kappa-hello")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"pool\":\"elsewhere\"}}");
    client.resources(WasmFunction.class).inNamespace(ns).withName("kappa-remote").delete();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(child(Role.class, "kappa").getRules())
                    .flatExtracting(r -> r.getResources())
                    .containsExactlyInAnyOrder("wasmfunctions", "pods", "pods/status"));
  }

  @Test
  void poolWithAnImageOutsideTheAllowListGetsNoDeploymentAConditionAndOneWarningEvent() {
    RunnerPool pool =
        TestPools.withShards(TestPools.fixed(client.getNamespace(), "lambda", 1), "pg-0");
    pool.getSpec().setImage("attacker.example/runner:1");
    create(pool);
    awaitChild(Service.class, "lambda");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(readyCondition("lambda").getReason())
                  .isEqualTo(RunnerImages.IMAGE_NOT_ALLOWED);
              assertThat(readyCondition("lambda").getMessage())
                  .contains("attacker.example/runner:1");
              assertThat(warnings("lambda"))
                  .filteredOn(e -> !e.getReason().equals(PoolStatusAggregator.NO_AUTHENTICATION))
                  .singleElement()
                  .satisfies(
                      e -> assertThat(e.getReason()).isEqualTo(RunnerImages.IMAGE_NOT_ALLOWED));
            });
    assertThat(child(Deployment.class, "lambda")).isNull();
  }

  @Test
  void changingToAnImageOutsideTheAllowListLeavesTheDeploymentUnchanged() {
    create(TestPools.withShards(TestPools.fixed(client.getNamespace(), "mu", 1), "pg-0"));
    Deployment before = awaitChild(Deployment.class, "mu");

    patchPool("mu", "{\"spec\":{\"image\":\"attacker.example/runner:1\",\"replicas\":3}}");

    await()
        .atMost(WAIT)
        .until(() -> readyCondition("mu").getReason(), RunnerImages.IMAGE_NOT_ALLOWED::equals);
    Deployment after = child(Deployment.class, "mu");
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("ghcr.io/serverlessrunner/runner:0.1.0");
  }

  private void createFunction(WasmFunction fn) {
    fn.getMetadata().setGeneration(null);
    client.resource(fn).create();
  }

  private List<String> namesGranted(String pool, String resource) {
    return child(Role.class, pool).getRules().stream()
        .filter(r -> r.getResources().contains(resource))
        .flatMap(r -> r.getResourceNames().stream())
        .toList();
  }

  private Condition readyCondition(String pool) {
    RunnerPool current = pool(pool);
    assertThat(current.getStatus()).isNotNull();
    return Conditions.find(current.getStatus().getConditions(), "Ready").orElseThrow();
  }

  @Test
  void poolWithoutAuthenticationSaysSoInStatusAndOneWarningEvent() {
    create(TestPools.withShards(TestPools.fixed(client.getNamespace(), "sigma", 1), "pg-0"));
    awaitChild(Deployment.class, "sigma");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RunnerPool current = pool("sigma");
              assertThat(current.getStatus().getAuthMode()).isEqualTo("none");
              assertThat(
                      Conditions.find(
                              current.getStatus().getConditions(),
                              PoolStatusAggregator.CONDITION_AUTHENTICATION)
                          .orElseThrow())
                  .satisfies(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo(PoolStatusAggregator.NO_AUTHENTICATION);
                        assertThat(c.getMessage()).contains("anyone who can reach");
                      });
              assertThat(warnings("sigma"))
                  .singleElement()
                  .satisfies(
                      e -> {
                        assertThat(e.getReason()).isEqualTo(PoolStatusAggregator.NO_AUTHENTICATION);
                        assertThat(e.getMessage()).contains("spec.auth.mode is none");
                      });
            });
  }

  @Test
  void poolWithApiKeysReportsAuthenticationEnabledAndNoWarning() {
    RunnerPool pool =
        TestPools.withShards(TestPools.fixed(client.getNamespace(), "tau", 1), "pg-0");
    dev.serverlessrunner.crd.pool.PoolAuth auth = new dev.serverlessrunner.crd.pool.PoolAuth();
    auth.setMode(dev.serverlessrunner.crd.pool.AuthMode.API_KEY);
    auth.setApiKeysSecretRef(new io.fabric8.kubernetes.api.model.LocalObjectReference("tau-keys"));
    pool.getSpec().setAuth(auth);
    create(pool);
    awaitChild(Deployment.class, "tau");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RunnerPool current = pool("tau");
              assertThat(current.getStatus().getAuthMode()).isEqualTo("api-key");
              assertThat(
                      Conditions.find(
                              current.getStatus().getConditions(),
                              PoolStatusAggregator.CONDITION_AUTHENTICATION)
                          .orElseThrow())
                  .satisfies(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getReason()).isEqualTo("ApiKey");
                        assertThat(c.getMessage()).contains("tau-keys");
                      });
            });
    assertThat(warnings("tau")).isEmpty();
  }

  private List<Event> warnings(String pool) {
    return client.v1().events().inNamespace(client.getNamespace()).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(pool))
        .filter(e -> "Warning".equals(e.getType()))
        .toList();
  }

  @Test
  void runnerPodsReportingAnUnreachableShardMakeThePoolDegraded() {
    create(TestPools.withShards(TestPools.fixed(client.getNamespace(), "omicron", 1), "pg-0"));
    awaitChild(Deployment.class, "omicron");

    // What a runner pod looks like to the operator while shard-1 is down: Ready, and its own
    // ShardsAvailable condition False (the mock API server runs no kubelet, so the test writes it).
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("omicron-runner-1")
                .withNamespace(client.getNamespace())
                .withLabels(PoolNames.labels(pool("omicron")))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("runner")
                .withImage("runner")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .addNewCondition()
                .withType(RunnerContract.POD_CONDITION_SHARDS_AVAILABLE)
                .withStatus("False")
                .withReason(RunnerContract.REASON_SHARDS_UNAVAILABLE)
                .withMessage(RunnerContract.UNAVAILABLE_SHARDS_PREFIX + "shard-1")
                .endCondition()
                .endStatus()
                .build())
        .create();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RunnerPool current = pool("omicron");
              assertThat(current.getStatus()).isNotNull();
              var degraded =
                  Conditions.find(
                      current.getStatus().getConditions(), PoolStatusAggregator.CONDITION_DEGRADED);
              assertThat(degraded).isPresent();
              assertThat(degraded.get().getStatus()).isEqualTo("True");
              assertThat(degraded.get().getMessage()).contains("shard-1");
            });
  }

  /**
   * A JSON merge patch without resourceVersion, like kubectl patch --type=merge, so it cannot
   * conflict with the operator's concurrent status writes.
   */
  private void patchPool(String name, String mergePatch) {
    client
        .resources(RunnerPool.class)
        .inNamespace(client.getNamespace())
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }
}
