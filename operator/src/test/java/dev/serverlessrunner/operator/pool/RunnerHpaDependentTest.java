package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestPools;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import org.junit.jupiter.api.Test;

class RunnerHpaDependentTest {
  private final RunnerHpaDependent dependent = new RunnerHpaDependent(TestConfig.defaults());

  @Test
  void scalesTheRunnerDeploymentBetweenMinAndMax() {
    HorizontalPodAutoscaler hpa = dependent.desired(TestPools.autoscaled("ns", "p", 2, 32), null);

    assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
    assertThat(hpa.getMetadata().getName()).isEqualTo("p-runner");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("p-runner");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(32);
  }

  @Test
  void cpuTargetBecomesAResourceUtilizationMetric() {
    HorizontalPodAutoscaler hpa = dependent.desired(TestPools.autoscaled("ns", "p", 1, 4), null);

    assertThat(hpa.getSpec().getMetrics())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getType()).isEqualTo("Resource");
              assertThat(m.getResource().getName()).isEqualTo("cpu");
              assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
            });
  }

  @Test
  void inFlightTargetBecomesAPodsMetric() {
    RunnerPool pool = TestPools.autoscaled("ns", "p", 1, 4);
    pool.getSpec().getAutoscaling().setTargetCPUUtilization(null);
    pool.getSpec().getAutoscaling().setTargetInFlight(8);

    HorizontalPodAutoscaler hpa = dependent.desired(pool, null);

    assertThat(hpa.getSpec().getMetrics())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getType()).isEqualTo("Pods");
              assertThat(m.getPods().getMetric().getName())
                  .isEqualTo(RunnerContract.IN_FLIGHT_METRIC);
              assertThat(m.getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("8"));
            });
  }

  @Test
  void isActiveOnlyForAutoscaledPools() {
    assertThat(AutoscalingEnabled.isAutoscaled(TestPools.autoscaled("ns", "p", 1, 4))).isTrue();
    assertThat(AutoscalingEnabled.isAutoscaled(TestPools.fixed("ns", "p", 3))).isFalse();
  }
}
