package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.pool.ScalingPlan.KedaApisServed;
import dev.serverlessrunner.operator.pool.ScalingPlan.Scaler;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingPlanTest {
  private static final KedaApisServed KEDA_ONLY = new KedaApisServed(true, false);

  private static RunnerPool toZero() {
    return TestPools.inFlight("ns", "p", 0, 10);
  }

  @Test
  void fixedPoolKeepsItsReplicasAndSaysItIsNotAutoscaled() {
    ScalingPlan plan = ScalingPlan.of(TestPools.fixed("ns", "p", 3), KedaApisServed.ALL, false);

    assertThat(plan.scaler()).isEqualTo(Scaler.NONE);
    assertThat(plan.replicas()).isEqualTo(3);
    assertThat(plan.condition().status()).isFalse();
    assertThat(plan.condition().reason()).isEqualTo(ScalingPlan.FIXED_REPLICAS);
    assertThat(plan.waitsForKeda()).isFalse();
  }

  @Test
  void cpuTargetScalesThroughAnHpaWithOrWithoutKeda() {
    for (KedaApisServed served : List.of(KedaApisServed.NONE, KedaApisServed.ALL)) {
      ScalingPlan plan = ScalingPlan.of(TestPools.autoscaled("ns", "p", 2, 32), served, false);

      assertThat(plan.scaler()).isEqualTo(Scaler.HPA);
      assertThat(plan.replicas()).isNull();
      assertThat(plan.condition().status()).isTrue();
      assertThat(plan.condition().reason()).isEqualTo(ScalingPlan.HPA);
    }
  }

  @Test
  void inFlightTargetScalesThroughAKedaScaledObject() {
    ScalingPlan plan = ScalingPlan.of(TestPools.inFlight("ns", "p", 2, 32), KEDA_ONLY, false);

    assertThat(plan.scaler()).isEqualTo(Scaler.SCALED_OBJECT);
    assertThat(plan.replicas()).isNull();
    assertThat(plan.condition().status()).isTrue();
    assertThat(plan.condition().reason()).isEqualTo(ScalingPlan.SCALED_OBJECT);
    assertThat(plan.waitsForKeda()).isFalse();
  }

  @Test
  void inFlightTargetWithoutKedaHoldsMinReplicasAndSaysWhatToInstall() {
    ScalingPlan plan =
        ScalingPlan.of(TestPools.inFlight("ns", "p", 2, 32), KedaApisServed.NONE, false);

    assertThat(plan.scaler()).isEqualTo(Scaler.NONE);
    assertThat(plan.replicas()).isEqualTo(2);
    assertThat(plan.condition().status()).isFalse();
    assertThat(plan.condition().reason()).isEqualTo(ScalingPlan.KEDA_NOT_INSTALLED);
    assertThat(plan.condition().message())
        .contains("keda.sh/v1alpha1 ScaledObject", "helm install keda", "keeps 2 runner pods");
    assertThat(plan.waitsForKeda()).isTrue();
  }

  @Test
  void inFlightAndCpuTargetsWithoutKedaScaleOnCpuAlone() {
    RunnerPool pool = TestPools.inFlight("ns", "p", 2, 32);
    pool.getSpec().getAutoscaling().setTargetCPUUtilization(70);

    ScalingPlan plan = ScalingPlan.of(pool, KedaApisServed.NONE, false);

    assertThat(plan.scaler()).isEqualTo(Scaler.HPA);
    assertThat(plan.inFlightOnHpa()).isFalse();
    assertThat(plan.condition().reason()).isEqualTo(ScalingPlan.KEDA_NOT_INSTALLED);
    assertThat(plan.condition().message()).contains("scales on CPU alone");
  }

  @Test
  void inFlightTargetUsesAnHpaPodsMetricWhereACustomMetricsAdapterServesIt() {
    ScalingPlan plan =
        ScalingPlan.of(TestPools.inFlight("ns", "p", 2, 32), KedaApisServed.NONE, true);

    assertThat(plan.scaler()).isEqualTo(Scaler.HPA);
    assertThat(plan.inFlightOnHpa()).isTrue();
    assertThat(plan.condition().status()).isTrue();
  }

  @Test
  void kedaIsPreferredToACustomMetricsAdapter() {
    assertThat(ScalingPlan.of(TestPools.inFlight("ns", "p", 2, 32), KEDA_ONLY, true).scaler())
        .isEqualTo(Scaler.SCALED_OBJECT);
  }

  @Test
  void minReplicasZeroScalesThroughAnHttpScaledObject() {
    ScalingPlan plan = ScalingPlan.of(toZero(), KedaApisServed.ALL, false);

    assertThat(plan.scaler()).isEqualTo(Scaler.HTTP_SCALED_OBJECT);
    assertThat(plan.replicas()).isNull();
    assertThat(plan.condition().status()).isTrue();
    assertThat(plan.condition().reason()).isEqualTo(ScalingPlan.HTTP_SCALED_OBJECT);
    assertThat(plan.condition().message())
        .contains("keda-add-ons-http-interceptor-proxy", "p-runner.ns.svc");
  }

  @Test
  void minReplicasZeroWithoutTheHttpAddOnScalesFromOneThroughAScaledObject() {
    ScalingPlan plan = ScalingPlan.of(toZero(), KEDA_ONLY, false);

    assertThat(plan.scaler()).isEqualTo(Scaler.SCALED_OBJECT);
    assertThat(plan.condition().status()).isFalse();
    assertThat(plan.condition().reason()).isEqualTo(ScalingPlan.HTTP_ADD_ON_NOT_INSTALLED);
    assertThat(plan.condition().message())
        .contains("http.keda.sh/v1alpha1 HTTPScaledObject", "keda-add-ons-http", "1 to 10");
    assertThat(plan.waitsForKeda()).isTrue();
  }

  @Test
  void minReplicasZeroWithoutKedaKeepsOneRunner() {
    ScalingPlan plan = ScalingPlan.of(toZero(), KedaApisServed.NONE, false);

    assertThat(plan.scaler()).isEqualTo(Scaler.NONE);
    assertThat(plan.replicas()).isEqualTo(1);
    assertThat(plan.condition().reason()).isEqualTo(ScalingPlan.KEDA_NOT_INSTALLED);
    assertThat(plan.condition().message()).contains("HTTPScaledObject", "keeps 1 runner pod");
  }

  @Test
  void hostsDefaultToThePoolServiceAndCanBeSet() {
    RunnerPool pool = toZero();
    assertThat(ScalingPlan.hosts(pool)).containsExactly("p-runner.ns.svc");

    pool.getSpec().getAutoscaling().setHosts(List.of("functions.example.com"));
    assertThat(ScalingPlan.hosts(pool)).containsExactly("functions.example.com");
  }
}
