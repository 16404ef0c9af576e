package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.RunnerPoolStatus;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PoolStatusAggregatorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");

  private static Optional<Deployment> deployment(int wanted, int replicas, int ready) {
    return Optional.of(
        new DeploymentBuilder()
            .withNewSpec()
            .withReplicas(wanted)
            .endSpec()
            .withNewStatus()
            .withReplicas(replicas)
            .withReadyReplicas(ready)
            .endStatus()
            .build());
  }

  private static RunnerPool pool(int replicas) {
    return TestPools.withShards(TestPools.fixed("ns", "p", replicas), "pg-0");
  }

  private static Condition ready(RunnerPoolStatus status) {
    return Conditions.find(status.getConditions(), "Ready").orElseThrow();
  }

  @Test
  void countsComeFromTheDeploymentAndFunctions() {
    RunnerPool pool = pool(3);

    RunnerPoolStatus status = PoolStatusAggregator.aggregate(pool, deployment(3, 3, 2), 5, T0);

    assertThat(status.getReplicas()).isEqualTo(3);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getFunctionsReady()).isEqualTo(5);
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getSelector())
        .isEqualTo("app.kubernetes.io/name=runner,serverlessrunner.dev/pool=p");
  }

  @Test
  void missingDeploymentIsNotReadyWithAReason() {
    RunnerPoolStatus status = PoolStatusAggregator.aggregate(pool(1), Optional.empty(), 0, T0);

    assertThat(ready(status).getStatus()).isEqualTo("False");
    assertThat(ready(status).getReason()).isEqualTo(PoolStatusAggregator.DEPLOYMENT_MISSING);
    assertThat(status.getReplicas()).isZero();
  }

  @Test
  void partlyReadyPoolSaysHowManyPodsAreReady() {
    RunnerPoolStatus status = PoolStatusAggregator.aggregate(pool(3), deployment(3, 3, 1), 0, T0);

    assertThat(ready(status).getStatus()).isEqualTo("False");
    assertThat(ready(status).getReason()).isEqualTo(PoolStatusAggregator.NOT_READY);
    assertThat(ready(status).getMessage()).isEqualTo("1 of 3 runner pods ready");
    assertThat(Conditions.isTrue(status.getConditions(), "Available")).isTrue();
  }

  @Test
  void fullyReadyPoolIsReady() {
    RunnerPoolStatus status = PoolStatusAggregator.aggregate(pool(2), deployment(2, 2, 2), 0, T0);

    assertThat(ready(status).getStatus()).isEqualTo("True");
    assertThat(ready(status).getReason()).isEqualTo(PoolStatusAggregator.ALL_READY);
    assertThat(ready(status).getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void poolScaledToZeroIsReadyButNotAvailable() {
    RunnerPoolStatus status = PoolStatusAggregator.aggregate(pool(0), deployment(0, 0, 0), 0, T0);

    assertThat(ready(status).getReason()).isEqualTo(PoolStatusAggregator.SCALED_TO_ZERO);
    assertThat(Conditions.isTrue(status.getConditions(), "Available")).isFalse();
  }

  @Test
  void poolWithoutShardsIsNotReadyAndSaysWhatToAdd() {
    RunnerPoolStatus status =
        PoolStatusAggregator.aggregate(TestPools.fixed("ns", "p", 2), deployment(2, 2, 0), 0, T0);

    assertThat(ready(status).getStatus()).isEqualTo("False");
    assertThat(ready(status).getReason()).isEqualTo("NoShardsConfigured");
    assertThat(ready(status).getMessage()).contains("spec.persistence.shards");
    assertThat(status.getReplicas()).isEqualTo(2);
  }

  @Test
  void poolWithAnEmptyShardListIsNotReady() {
    RunnerPool pool = pool(1);
    pool.getSpec().getPersistence().setShards(List.of());

    RunnerPoolStatus status = PoolStatusAggregator.aggregate(pool, deployment(1, 1, 0), 0, T0);

    assertThat(ready(status).getReason()).isEqualTo(PoolStatusAggregator.NO_SHARDS);
  }

  @Test
  void missingShardsAreAUserErrorOnlyWhenFirstReported() {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    RunnerPoolStatus first = PoolStatusAggregator.aggregate(pool, deployment(1, 1, 0), 0, T0);
    pool.setStatus(first);
    RunnerPoolStatus second = PoolStatusAggregator.aggregate(pool, deployment(1, 1, 0), 1, T1);

    assertThat(PoolStatusAggregator.newUserError(null, first))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("NoShardsConfigured"));
    assertThat(PoolStatusAggregator.newUserError(first, second)).isEmpty();
  }

  @Test
  void refusedImageIsNotReadyWithItsReasonAndAUserErrorOnce() {
    RunnerPool pool = pool(1);
    RunnerPoolStatus first =
        PoolStatusAggregator.aggregate(
            pool, deployment(1, 1, 1), 0, Optional.of("spec.image x is not allowed"), T0);
    pool.setStatus(first);
    RunnerPoolStatus second =
        PoolStatusAggregator.aggregate(
            pool, deployment(1, 1, 1), 0, Optional.of("spec.image x is not allowed"), T1);

    assertThat(ready(first).getStatus()).isEqualTo("False");
    assertThat(ready(first).getReason()).isEqualTo(RunnerImages.IMAGE_NOT_ALLOWED);
    assertThat(ready(first).getMessage()).isEqualTo("spec.image x is not allowed");
    assertThat(PoolStatusAggregator.newUserError(null, first)).isPresent();
    assertThat(PoolStatusAggregator.newUserError(first, second)).isEmpty();
  }

  @Test
  void notReadyReplicasAreNoUserError() {
    RunnerPoolStatus status = PoolStatusAggregator.aggregate(pool(3), deployment(3, 3, 1), 0, T0);

    assertThat(PoolStatusAggregator.newUserError(null, status)).isEmpty();
  }

  @Test
  void unchangedWorldGivesAnEqualStatusAtALaterTime() {
    RunnerPool pool = pool(2);
    pool.setStatus(PoolStatusAggregator.aggregate(pool, deployment(2, 2, 2), 1, T0));

    RunnerPoolStatus later = PoolStatusAggregator.aggregate(pool, deployment(2, 2, 2), 1, T1);

    assertThat(later).isEqualTo(pool.getStatus());
  }

  @Test
  void transitionTimeMovesOnlyWhenTheConditionStatusChanges() {
    RunnerPool pool = pool(2);
    pool.setStatus(PoolStatusAggregator.aggregate(pool, deployment(2, 2, 0), 0, T0));
    RunnerPoolStatus sameStatusNewReason =
        PoolStatusAggregator.aggregate(pool, deployment(2, 2, 1), 0, T1);
    assertThat(ready(sameStatusNewReason).getLastTransitionTime()).isEqualTo(T0.toString());

    RunnerPoolStatus nowReady = PoolStatusAggregator.aggregate(pool, deployment(2, 2, 2), 0, T1);
    assertThat(ready(nowReady).getLastTransitionTime()).isEqualTo(T1.toString());
  }

  private static Pod runnerPod(boolean ready, String shardsStatus, String message) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p-runner-" + message.hashCode())
            .endMetadata()
            .withNewStatus()
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus();
    if (shardsStatus != null) {
      pod.editStatus()
          .addNewCondition()
          .withType(RunnerContract.POD_CONDITION_SHARDS_AVAILABLE)
          .withStatus(shardsStatus)
          .withMessage(message)
          .endCondition()
          .endStatus();
    }
    return pod.build();
  }

  private static Condition degraded(RunnerPoolStatus status) {
    return Conditions.find(status.getConditions(), PoolStatusAggregator.CONDITION_DEGRADED)
        .orElseThrow();
  }

  @Test
  void readyRunnersReportingAnUnreachableShardMakeThePoolDegradedButReady() {
    List<Pod> pods =
        List.of(
            runnerPod(true, "False", "unavailable shards: shard-1"),
            runnerPod(true, "False", "unavailable shards: shard-0, shard-1"),
            runnerPod(true, "True", "every recording shard answers"));

    RunnerPoolStatus status =
        PoolStatusAggregator.aggregate(pool(3), deployment(3, 3, 3), 1, pods, T0);

    assertThat(degraded(status).getStatus()).isEqualTo("True");
    assertThat(degraded(status).getReason()).isEqualTo("ShardsUnavailable");
    assertThat(degraded(status).getMessage())
        .startsWith("2 of 3 ready runner pods cannot reach shards shard-0, shard-1");
    assertThat(ready(status).getStatus()).isEqualTo("True");
  }

  @Test
  void runnersReachingEveryShardLeaveThePoolNotDegraded() {
    List<Pod> pods = List.of(runnerPod(true, "True", "every recording shard answers"));

    RunnerPoolStatus status =
        PoolStatusAggregator.aggregate(pool(1), deployment(1, 1, 1), 1, pods, T0);

    assertThat(degraded(status).getStatus()).isEqualTo("False");
    assertThat(degraded(status).getReason()).isEqualTo("AllShardsAvailable");
  }

  @Test
  void runnersThatAreNotReadyDoNotCountForDegraded() {
    List<Pod> pods = List.of(runnerPod(false, "False", "unavailable shards: shard-1"));

    RunnerPoolStatus status =
        PoolStatusAggregator.aggregate(pool(1), deployment(1, 1, 0), 1, pods, T0);

    assertThat(degraded(status).getStatus()).isEqualTo("False");
  }

  @Test
  void degradedKeepsItsTransitionTimeWhileNothingChanges() {
    RunnerPool pool = pool(1);
    List<Pod> pods = List.of(runnerPod(true, "False", "unavailable shards: shard-1"));
    pool.setStatus(PoolStatusAggregator.aggregate(pool, deployment(1, 1, 1), 1, pods, T0));

    RunnerPoolStatus again = PoolStatusAggregator.aggregate(pool, deployment(1, 1, 1), 1, pods, T1);

    assertThat(again).isEqualTo(pool.getStatus());
  }

  @Test
  void autoscaledPoolReportsWhetherItsTargetsAreUsed() {
    RunnerPool pool = TestPools.withShards(TestPools.inFlight("ns", "p", 2, 8), "pg-0");
    ScalingPlan waiting = ScalingPlan.of(pool, ScalingPlan.KedaApisServed.NONE, false);

    RunnerPoolStatus status =
        PoolStatusAggregator.aggregate(
            pool, deployment(2, 2, 2), 0, Optional.empty(), List.of(), waiting, T0);

    Condition autoscaling =
        Conditions.find(status.getConditions(), ScalingPlan.CONDITION).orElseThrow();
    assertThat(autoscaling.getStatus()).isEqualTo("False");
    assertThat(autoscaling.getReason()).isEqualTo(ScalingPlan.KEDA_NOT_INSTALLED);
    assertThat(ready(status).getStatus()).as("the pool serves meanwhile").isEqualTo("True");
  }

  @Test
  void fixedPoolSaysItIsNotAutoscaled() {
    RunnerPool pool = pool(2);
    ScalingPlan plan = ScalingPlan.of(pool, ScalingPlan.KedaApisServed.ALL, false);

    RunnerPoolStatus status =
        PoolStatusAggregator.aggregate(
            pool, deployment(2, 2, 2), 0, Optional.empty(), List.of(), plan, T0);

    assertThat(Conditions.find(status.getConditions(), ScalingPlan.CONDITION).orElseThrow())
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo(ScalingPlan.FIXED_REPLICAS);
            });
  }
}
