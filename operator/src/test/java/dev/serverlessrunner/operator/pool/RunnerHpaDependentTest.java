package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.config.OperatorConfig;
import dev.serverlessrunner.operator.pool.ScalingPlan.KedaApisServed;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerHpaDependentTest {
  private static final OperatorConfig ADAPTER =
      TestConfig.with(
          Map.of("serverlessrunner.operator.autoscaling.custom-metrics-adapter", "true"));

  private final RunnerHpaDependent dependent =
      new RunnerHpaDependent(Autoscalers.fixed(KedaApisServed.NONE, TestConfig.defaults()));

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
  void withoutKedaAnInFlightAndCpuPoolScalesOnCpuAlone() {
    RunnerPool pool = TestPools.inFlight("ns", "p", 1, 4);
    pool.getSpec().getAutoscaling().setTargetCPUUtilization(70);

    HorizontalPodAutoscaler hpa = dependent.desired(pool, null);

    assertThat(hpa.getSpec().getMetrics())
        .singleElement()
        .satisfies(m -> assertThat(m.getType()).isEqualTo("Resource"));
  }

  @Test
  void inFlightTargetBecomesAPodsMetricWhereAnAdapterServesIt() {
    RunnerPool pool = TestPools.inFlight("ns", "p", 1, 4);
    RunnerHpaDependent withAdapter =
        new RunnerHpaDependent(Autoscalers.fixed(KedaApisServed.NONE, ADAPTER));

    HorizontalPodAutoscaler hpa = withAdapter.desired(pool, null);

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
}
