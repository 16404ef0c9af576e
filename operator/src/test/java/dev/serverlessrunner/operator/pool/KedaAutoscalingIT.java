package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Request-driven autoscaling and scale to zero against the mock API server: first without KEDA
 * (pools wait with a condition saying what to install), then with the CRDs of KEDA and its HTTP
 * add-on installed (test resources keda/), as an admin would install them while the operator runs.
 * The order matters: the CRDs cannot be removed from the mock API server once installed.
 */
@WithKubernetesTestServer(crud = true)
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KedaAutoscalingIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Inject KubernetesClient client;

  @Test
  @Order(1)
  void withoutKedaAnInFlightPoolKeepsMinReplicasAndSaysWhatToInstall() {
    create(TestPools.withShards(TestPools.inFlight(ns(), "waiting", 2, 8), "pg-0"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(deployment("waiting").getSpec().getReplicas()).isEqualTo(2);
              Condition c = autoscalingCondition("waiting");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo(ScalingPlan.KEDA_NOT_INSTALLED);
              assertThat(c.getMessage()).contains("helm install keda");
            });
    assertThat(child(HorizontalPodAutoscaler.class, "waiting")).isNull();
  }

  @Test
  @Order(2)
  void withoutKedaAnInFlightAndCpuPoolScalesOnCpuThroughAnHpa() {
    RunnerPool pool = TestPools.withShards(TestPools.inFlight(ns(), "cpu-too", 2, 8), "pg-0");
    pool.getSpec().getAutoscaling().setTargetCPUUtilization(70);
    create(pool);

    HorizontalPodAutoscaler hpa =
        await()
            .atMost(WAIT)
            .until(() -> child(HorizontalPodAutoscaler.class, "cpu-too"), h -> h != null);
    assertThat(hpa.getSpec().getMetrics()).extracting(m -> m.getType()).containsExactly("Resource");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(autoscalingCondition("cpu-too").getReason())
                    .isEqualTo(ScalingPlan.KEDA_NOT_INSTALLED));
  }

  @Test
  @Order(3)
  void installingKedaMovesThePoolsToScaledObjectsAndNoneKeepsAnHpa() throws IOException {
    installCrd("keda/keda.sh_scaledobjects.yaml");
    installCrd("keda/http.keda.sh_httpscaledobjects.yaml");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              GenericKubernetesResource so = scaledObject("waiting");
              assertThat(so).isNotNull();
              assertThat((Object) so.get("spec", "minReplicaCount")).isEqualTo(2);
              assertThat((Object) so.get("spec", "maxReplicaCount")).isEqualTo(8);
              // The operator stops setting the count (desired() leaves it out; with server-side
              // apply the field is released), so the held 2 stay until KEDA's HPA scales.
              assertThat(deployment("waiting").getSpec().getReplicas()).isEqualTo(2);
              assertThat(autoscalingCondition("waiting").getReason())
                  .isEqualTo(ScalingPlan.SCALED_OBJECT);
            });
    assertThat(scaledObject("waiting").getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("waiting"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(child(HorizontalPodAutoscaler.class, "cpu-too")).isNull();
              List<Map<String, Object>> triggers = scaledObject("cpu-too").get("spec", "triggers");
              assertThat(triggers)
                  .extracting(t -> t.get("type"))
                  .containsExactly("prometheus", "cpu");
            });
  }

  @Test
  @Order(4)
  void settledScaledObjectIsNotRewritten() {
    String version = scaledObject("waiting").getMetadata().getResourceVersion();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(scaledObject("waiting").getMetadata().getResourceVersion())
                    .isEqualTo(version));
  }

  @Test
  @Order(5)
  void theScaleToZeroSampleGetsAnHttpScaledObjectAndIsReadyAtZero() throws IOException {
    RunnerPool sample;
    try (InputStream in =
        Files.newInputStream(deployDir().resolve("samples/runnerpool-scale-to-zero.yaml"))) {
      sample = client.getKubernetesSerialization().unmarshal(in, RunnerPool.class);
    }
    sample.getMetadata().setNamespace(ns());
    create(sample);

    GenericKubernetesResource hso =
        await().atMost(WAIT).until(() -> httpScaledObject("on-demand"), h -> h != null);
    assertThat((Object) hso.get("spec", "replicas")).isEqualTo(Map.of("min", 0, "max", 16));
    assertThat((Object) hso.get("spec", "hosts"))
        .isEqualTo(List.of("on-demand-runner." + ns() + ".svc"));
    assertThat((Object) hso.get("spec", "scalingMetric"))
        .isEqualTo(Map.of("concurrency", Map.of("targetValue", 8)));
    assertThat(scaledObject("on-demand")).isNull();
    assertThat(child(HorizontalPodAutoscaler.class, "on-demand")).isNull();
    assertThat(deployment("on-demand").getSpec().getReplicas()).isNull();

    // What the add-on does once the pool is idle for scaledownPeriod (the mock runs no KEDA).
    client
        .apps()
        .deployments()
        .inNamespace(ns())
        .withName("on-demand-runner")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":0}}");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(autoscalingCondition("on-demand").getReason())
                  .isEqualTo(ScalingPlan.HTTP_SCALED_OBJECT);
              Condition ready =
                  Conditions.find(pool("on-demand").getStatus().getConditions(), "Ready")
                      .orElseThrow();
              assertThat(ready.getStatus()).isEqualTo("True");
              assertThat(ready.getReason()).isEqualTo(PoolStatusAggregator.SCALED_TO_ZERO);
            });
    assertThat(deployment("on-demand").getSpec().getReplicas())
        .as("the operator leaves the count to KEDA")
        .isZero();
  }

  @Test
  @Order(6)
  void changingTheTargetsMovesThePoolFromOneAutoscalerToTheNext() {
    patchPool("on-demand", "{\"spec\":{\"autoscaling\":{\"minReplicas\":1}}}");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(httpScaledObject("on-demand")).isNull();
              assertThat(scaledObject("on-demand")).isNotNull();
            });

    patchPool(
        "on-demand",
        "{\"spec\":{\"autoscaling\":{\"targetInFlight\":null,\"targetCPUUtilization\":70}}}");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(scaledObject("on-demand")).isNull();
              assertThat(child(HorizontalPodAutoscaler.class, "on-demand")).isNotNull();
            });

    patchPool("on-demand", "{\"spec\":{\"autoscaling\":null,\"replicas\":3}}");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(child(HorizontalPodAutoscaler.class, "on-demand")).isNull();
              assertThat(deployment("on-demand").getSpec().getReplicas()).isEqualTo(3);
              assertThat(autoscalingCondition("on-demand").getReason())
                  .isEqualTo(ScalingPlan.FIXED_REPLICAS);
            });
  }

  private String ns() {
    return client.getNamespace();
  }

  private void create(RunnerPool pool) {
    pool.getMetadata().setGeneration(null);
    client.resource(pool).create();
  }

  private void installCrd(String resource) throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      client
          .resource(
              client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
          .create();
    }
  }

  private static Path deployDir() {
    return Path.of(System.getProperty("serverlessrunner.deployDir", "../deploy"));
  }

  private RunnerPool pool(String name) {
    return client.resources(RunnerPool.class).inNamespace(ns()).withName(name).get();
  }

  private Condition autoscalingCondition(String pool) {
    RunnerPool current = pool(pool);
    assertThat(current.getStatus()).as("status of %s", pool).isNotNull();
    return Conditions.find(current.getStatus().getConditions(), ScalingPlan.CONDITION)
        .orElseThrow();
  }

  private Deployment deployment(String pool) {
    Deployment d = child(Deployment.class, pool);
    assertThat(d).as("Deployment of %s", pool).isNotNull();
    return d;
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T child(
      Class<T> type, String pool) {
    return client.resources(type).inNamespace(ns()).withName(pool + "-runner").get();
  }

  private GenericKubernetesResource scaledObject(String pool) {
    return client.resources(ScaledObject.class).inNamespace(ns()).withName(pool + "-runner").get();
  }

  private GenericKubernetesResource httpScaledObject(String pool) {
    return client
        .resources(HttpScaledObject.class)
        .inNamespace(ns())
        .withName(pool + "-runner")
        .get();
  }

  private void patchPool(String name, String mergePatch) {
    client
        .resources(RunnerPool.class)
        .inNamespace(ns())
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }
}
