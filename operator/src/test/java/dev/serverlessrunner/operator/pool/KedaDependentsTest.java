package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.pool.ScalingPlan.KedaApisServed;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** desired() of the KEDA ScaledObject and the HTTP add-on's HTTPScaledObject. */
class KedaDependentsTest {
  private final Autoscalers autoscalers =
      Autoscalers.fixed(KedaApisServed.ALL, TestConfig.defaults());

  private GenericKubernetesResource scaledObject(RunnerPool pool) {
    return new RunnerScaledObjectDependent(autoscalers).desired(pool, null);
  }

  private GenericKubernetesResource httpScaledObject(RunnerPool pool) {
    return new RunnerHttpScaledObjectDependent(autoscalers).desired(pool, null);
  }

  @Test
  void scaledObjectScalesThePoolsDeploymentBetweenMinAndMax() {
    GenericKubernetesResource so = scaledObject(TestPools.inFlight("ns", "p", 2, 32));

    assertThat(so.getApiVersion()).isEqualTo("keda.sh/v1alpha1");
    assertThat(so.getKind()).isEqualTo("ScaledObject");
    assertThat(so.getMetadata().getName()).isEqualTo("p-runner");
    assertThat(so.getMetadata().getLabels()).containsEntry(PoolNames.POOL_LABEL, "p");
    assertThat((Object) so.get("spec", "scaleTargetRef"))
        .isEqualTo(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "p-runner"));
    assertThat((Object) so.get("spec", "minReplicaCount")).isEqualTo(2);
    assertThat((Object) so.get("spec", "maxReplicaCount")).isEqualTo(32);
    assertThat((Object) so.get("spec", "pollingInterval")).isEqualTo(15);
  }

  @Test
  void scaledObjectSumsThePoolsInFlightGaugeAgainstThePerPodTarget() {
    List<Map<String, Object>> triggers =
        scaledObject(TestPools.inFlight("ns", "p", 2, 32)).get("spec", "triggers");

    assertThat(triggers)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t).containsEntry("type", "prometheus");
              assertThat(t.get("metricType")).as("AverageValue, KEDA's default").isNull();
              assertThat(t.get("metadata"))
                  .isEqualTo(
                      Map.of(
                          "serverAddress", "http://prometheus-server.monitoring.svc",
                          "query",
                              "sum(runner_invocations_in_flight{namespace=\"ns\","
                                  + "pod=~\"p-runner-[a-z0-9]+-[a-z0-9]+\"})",
                          "threshold", "8"));
            });
  }

  @Test
  void theInFlightQueryMatchesThePoolsPodsOnly() {
    String regex =
        RunnerScaledObjectDependent.inFlightQuery(TestPools.inFlight("ns", "a", 1, 2))
            .replaceAll(".*pod=~\"([^\"]+)\".*", "$1");

    assertThat("a-runner-7d9c6b5f4-x2x7k").matches(regex);
    assertThat("a-runner-b-runner-7d9c6b5f4-x2x7k").doesNotMatch(regex);
    assertThat("b-runner-7d9c6b5f4-x2x7k").doesNotMatch(regex);
  }

  @Test
  void aCpuTargetAddsACpuTrigger() {
    RunnerPool pool = TestPools.inFlight("ns", "p", 2, 32);
    pool.getSpec().getAutoscaling().setTargetCPUUtilization(70);

    List<Map<String, Object>> triggers = scaledObject(pool).get("spec", "triggers");

    assertThat(triggers).hasSize(2);
    assertThat(triggers.get(1))
        .containsEntry("type", "cpu")
        .containsEntry("metricType", "Utilization")
        .containsEntry("metadata", Map.of("value", "70"));
  }

  @Test
  void scaleUpIsImmediateAndScaleDownFollowsTheStableWindow() {
    Map<String, Map<String, Object>> behavior =
        scaledObject(TestPools.inFlight("ns", "p", 2, 32))
            .get("spec", "advanced", "horizontalPodAutoscalerConfig", "behavior");

    assertThat(behavior.get("scaleUp")).containsEntry("stabilizationWindowSeconds", 0);
    assertThat(behavior.get("scaleUp").get("policies"))
        .isEqualTo(List.of(Map.of("type", "Percent", "value", 1000, "periodSeconds", 15)));
    assertThat(behavior.get("scaleDown")).containsEntry("stabilizationWindowSeconds", 60);
    assertThat(behavior.get("scaleDown").get("policies"))
        .isEqualTo(List.of(Map.of("type", "Percent", "value", 50, "periodSeconds", 15)));
  }

  @Test
  void aScaledObjectNeverScalesToZero() {
    assertThat(
            (Object)
                scaledObject(TestPools.inFlight("ns", "p", 0, 4)).get("spec", "minReplicaCount"))
        .isEqualTo(1);
  }

  @Test
  void httpScaledObjectRoutesThePoolsHostToItsServiceAndScalesFromZero() {
    GenericKubernetesResource hso = httpScaledObject(TestPools.inFlight("ns", "p", 0, 10));

    assertThat(hso.getApiVersion()).isEqualTo("http.keda.sh/v1alpha1");
    assertThat(hso.getKind()).isEqualTo("HTTPScaledObject");
    assertThat(hso.getMetadata().getName()).isEqualTo("p-runner");
    assertThat((Object) hso.get("spec", "hosts")).isEqualTo(List.of("p-runner.ns.svc"));
    assertThat((Object) hso.get("spec", "pathPrefixes")).isEqualTo(List.of("/"));
    assertThat((Object) hso.get("spec", "scaleTargetRef"))
        .isEqualTo(
            Map.of(
                "apiVersion", "apps/v1",
                "kind", "Deployment",
                "name", "p-runner",
                "service", "p-runner",
                "port", RunnerServiceDependent.SERVICE_PORT));
    assertThat((Object) hso.get("spec", "replicas")).isEqualTo(Map.of("min", 0, "max", 10));
    assertThat((Object) hso.get("spec", "scaledownPeriod")).isEqualTo(90);
    assertThat((Object) hso.get("spec", "scalingMetric"))
        .isEqualTo(Map.of("concurrency", Map.of("targetValue", 8)));
  }

  @Test
  void interceptorWaitsForAColdStartAndForThePoolsLongestFunction() {
    RunnerPool pool = TestPools.inFlight("ns", "p", 0, 10);

    assertThat((Object) httpScaledObject(pool).get("spec", "timeouts"))
        .as("60s default function timeout ceiling + 5s for the answer")
        .isEqualTo(Map.of("conditionWait", "30s", "responseHeader", "65s"));
  }
}
