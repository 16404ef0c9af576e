package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.Batch;
import dev.serverlessrunner.crd.pool.LimitCeilings;
import dev.serverlessrunner.crd.pool.PoolFunctionLimits;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestPools;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RunnerDeploymentDependentTest {
  private final RunnerDeploymentDependent dependent =
      new RunnerDeploymentDependent(TestConfig.defaults());

  private Deployment desired(RunnerPool pool) {
    return dependent.desired(pool, null);
  }

  private static Container runner(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, EnvVar> env(Deployment deployment) {
    return runner(deployment).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void fixedPoolGetsItsReplicaCount() {
    assertThat(desired(TestPools.fixed("ns", "p", 3)).getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void fixedPoolScaledToZeroGetsZeroReplicas() {
    assertThat(desired(TestPools.fixed("ns", "p", 0)).getSpec().getReplicas()).isZero();
  }

  @Test
  void poolWithoutReplicasOrAutoscalingGetsOneReplica() {
    RunnerPool pool = TestPools.fixed("ns", "p", 0);
    pool.getSpec().setReplicas(null);

    assertThat(desired(pool).getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void autoscaledPoolLeavesReplicasToTheHpa() {
    assertThat(desired(TestPools.autoscaled("ns", "p", 2, 32)).getSpec().getReplicas()).isNull();
  }

  @Test
  void inFlightPoolLeavesReplicasToKedaWhereItIsInstalled() {
    RunnerDeploymentDependent withKeda =
        new RunnerDeploymentDependent(
            TestConfig.defaults(),
            Autoscalers.fixed(ScalingPlan.KedaApisServed.ALL, TestConfig.defaults()));

    assertThat(withKeda.desired(TestPools.inFlight("ns", "p", 2, 32), null).getSpec().getReplicas())
        .isNull();
    assertThat(withKeda.desired(TestPools.inFlight("ns", "p", 0, 32), null).getSpec().getReplicas())
        .isNull();
  }

  @Test
  void inFlightPoolWithoutKedaKeepsMinReplicas() {
    assertThat(desired(TestPools.inFlight("ns", "p", 2, 32)).getSpec().getReplicas()).isEqualTo(2);
    assertThat(desired(TestPools.inFlight("ns", "p", 0, 32)).getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void nameLabelsAndSelectorIdentifyThePool() {
    Deployment deployment = desired(TestPools.fixed("team-a", "web", 1));

    assertThat(deployment.getMetadata().getName()).isEqualTo("web-runner");
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("app.kubernetes.io/name", "runner", "serverlessrunner.dev/pool", "web"));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("web-runner");
  }

  @Test
  void defaultImageComesFromConfigAndPoolImageOverridesIt() {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    assertThat(runner(desired(pool)).getImage()).isEqualTo("ghcr.io/serverlessrunner/runner:0.1.0");

    pool.getSpec().setImage("registry.local/runner:dev");
    assertThat(runner(desired(pool)).getImage()).isEqualTo("registry.local/runner:dev");
  }

  @Test
  void probesHitTheRunnerHealthEndpointsOnTheManagementPort() {
    Deployment deployment = desired(TestPools.fixed("ns", "p", 1));
    Container runner = runner(deployment);

    assertThat(runner.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("http=8080", "management=9000");
    assertThat(runner.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(runner.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("management");
    assertThat(runner.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(runner.getLivenessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("management");
  }

  @Test
  void readinessIsProbedEverySecondSoANewRunnerGetsTrafficAsSoonAsItIsReady() {
    Container runner = runner(desired(TestPools.fixed("ns", "p", 1)));

    assertThat(runner.getReadinessProbe().getPeriodSeconds()).isEqualTo(1);
    assertThat(runner.getReadinessProbe().getInitialDelaySeconds()).isNull();
  }

  @Test
  void prometheusScrapesTheManagementPort() {
    Deployment deployment = desired(TestPools.fixed("ns", "p", 1));

    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "9000")
        .containsEntry("prometheus.io/path", "/q/metrics");
  }

  private static long gracePeriod(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
  }

  private static Duration envDuration(Deployment deployment, String name) {
    return Duration.parse(env(deployment).get(name).getValue());
  }

  @Test
  void gracePeriodCoversEveryPhaseOfTheRunnersShutdown() {
    Deployment deployment = desired(TestPools.fixed("ns", "p", 1));

    Duration delay = envDuration(deployment, RunnerContract.ENV_SHUTDOWN_DELAY);
    Duration guests = envDuration(deployment, RunnerContract.ENV_EXECUTION_DRAIN_TIMEOUT);
    Duration records = envDuration(deployment, RunnerContract.ENV_RECORDING_DRAIN_TIMEOUT);
    // 5 s delay; the default 60s function timeout ceiling + 5 s; 20 s + 20,000 records at 10k/s.
    assertThat(delay).isEqualTo(Duration.ofSeconds(5));
    assertThat(guests).isEqualTo(Duration.ofSeconds(65));
    assertThat(records).isEqualTo(Duration.ofSeconds(22));
    assertThat(gracePeriod(deployment))
        .isEqualTo(delay.plus(guests).plus(records).plus(RunnerShutdownBudget.MARGIN).toSeconds())
        .isEqualTo(107L);
  }

  @Test
  void longerFunctionCeilingAndLargerBacklogLengthenTheGracePeriod() {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    LimitCeilings max = new LimitCeilings();
    max.setTimeout("14m30s");
    PoolFunctionLimits limits = new PoolFunctionLimits();
    limits.setMax(max);
    pool.getSpec().setFunctionLimits(limits);
    TestPools.withShards(pool, "shard-0");
    Batch batch = new Batch();
    batch.setQueueCapacity(400_000);
    pool.getSpec().getPersistence().setBatch(batch);

    Deployment deployment = desired(pool);

    assertThat(envDuration(deployment, RunnerContract.ENV_EXECUTION_DRAIN_TIMEOUT))
        .isEqualTo(Duration.ofSeconds(14 * 60 + 30 + 5));
    assertThat(envDuration(deployment, RunnerContract.ENV_RECORDING_DRAIN_TIMEOUT))
        .isEqualTo(Duration.ofSeconds(20 + 40));
    assertThat(gracePeriod(deployment)).isEqualTo(5 + 875 + 60 + 15L);
  }

  @Test
  void gracePeriodNeverGoesBelowTheConfiguredLeast() {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    LimitCeilings max = new LimitCeilings();
    max.setTimeout("1s");
    PoolFunctionLimits limits = new PoolFunctionLimits();
    limits.setMax(max);
    pool.getSpec().setFunctionLimits(limits);
    RunnerDeploymentDependent strict =
        new RunnerDeploymentDependent(
            TestConfig.with(
                Map.of("serverlessrunner.operator.runner.termination-grace-period", "120s")));

    assertThat(gracePeriod(strict.desired(pool, null))).isEqualTo(120L);
    assertThat(gracePeriod(desired(pool))).isEqualTo(5 + 6 + 22 + 15L);
  }

  @Test
  void endpointRemovalDelayComesFromTheOperatorsSettings() {
    RunnerDeploymentDependent slow =
        new RunnerDeploymentDependent(
            TestConfig.with(
                Map.of("serverlessrunner.operator.runner.endpoint-removal-delay", "15s")));

    Deployment deployment = slow.desired(TestPools.fixed("ns", "p", 1), null);

    assertThat(envDuration(deployment, RunnerContract.ENV_SHUTDOWN_DELAY))
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(gracePeriod(deployment)).isEqualTo(117L);
  }

  @Test
  void shardUrisComeFromTheReferencedSecretsInOrder() {
    Map<String, EnvVar> env =
        env(desired(TestPools.withShards(TestPools.fixed("ns", "p", 1), "pg-0", "pg-1")));

    assertThat(env.get("SERVERLESSRUNNER_SHARD_0_URL").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("pg-0");
    assertThat(env.get("SERVERLESSRUNNER_SHARD_1_URL").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("pg-1");
    assertThat(env.get("SERVERLESSRUNNER_SHARD_0_URL").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("url");
    assertThat(env.get("RUNNER_RECORDING_SHARDS").getValue())
        .isEqualTo("$(SERVERLESSRUNNER_SHARD_0_URL),$(SERVERLESSRUNNER_SHARD_1_URL)");
  }

  @Test
  void shardVariablesPrecedeTheListThatExpandsThem() {
    var names =
        runner(desired(TestPools.withShards(TestPools.fixed("ns", "p", 1), "pg-0")))
            .getEnv()
            .stream()
            .map(EnvVar::getName)
            .toList();

    assertThat(names.indexOf("SERVERLESSRUNNER_SHARD_0_URL"))
        .isLessThan(names.indexOf("RUNNER_RECORDING_SHARDS"));
  }

  @Test
  void batchSettingsBecomeRunnerEnvironment() {
    Map<String, EnvVar> env =
        env(desired(TestPools.withShards(TestPools.fixed("ns", "p", 1), "pg-0")));

    assertThat(env.get("RUNNER_RECORDING_MAX_ROWS").getValue()).isEqualTo("250");
    assertThat(env.get("RUNNER_RECORDING_FLUSH_INTERVAL").getValue()).isEqualTo("20ms");
    assertThat(env.get("RUNNER_RECORDING_QUEUE_CAPACITY").getValue()).isEqualTo("5000");
  }

  @Test
  void poolWithoutPersistenceSetsNoShards() {
    assertThat(env(desired(TestPools.fixed("ns", "p", 1))))
        .containsKeys("RUNNER_KUBERNETES_POOL", "RUNNER_KUBERNETES_NAMESPACE")
        .doesNotContainKey("RUNNER_RECORDING_SHARDS");
  }

  @Test
  void poolWithoutCeilingsGivesTheRunnerTheDefaultCeilings() {
    Map<String, EnvVar> env = env(desired(TestPools.fixed("ns", "p", 1)));

    assertThat(env.get("RUNNER_LIMITS_CEILING_MEMORY_BYTES").getValue())
        .isEqualTo(String.valueOf(128L << 20));
    assertThat(env.get("RUNNER_LIMITS_CEILING_FUEL").getValue()).isEqualTo("10000000000");
    assertThat(env.get("RUNNER_LIMITS_CEILING_TIMEOUT").getValue()).isEqualTo("PT1M");
    assertThat(env.get("RUNNER_LIMITS_CEILING_STDOUT_BYTES").getValue())
        .isEqualTo(String.valueOf(4L << 20));
    assertThat(env.get("RUNNER_LIMITS_CEILING_REQUEST_BYTES").getValue())
        .isEqualTo(String.valueOf(1L << 20));
  }

  @Test
  void poolCeilingsReachTheRunner() {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    LimitCeilings max = new LimitCeilings();
    max.setMemory("1Gi");
    max.setTimeout("1m30s");
    max.setMaxRequestBytes(8L << 20);
    PoolFunctionLimits limits = new PoolFunctionLimits();
    limits.setMax(max);
    pool.getSpec().setFunctionLimits(limits);

    Map<String, EnvVar> env = env(desired(pool));

    assertThat(env.get("RUNNER_LIMITS_CEILING_MEMORY_BYTES").getValue())
        .isEqualTo(String.valueOf(1L << 30));
    assertThat(env.get("RUNNER_LIMITS_CEILING_TIMEOUT").getValue()).isEqualTo("PT1M30S");
    assertThat(env.get("RUNNER_LIMITS_CEILING_REQUEST_BYTES").getValue())
        .isEqualTo(String.valueOf(8L << 20));
  }

  @Test
  void poolNameAndNamespaceReachTheRunner() {
    Map<String, EnvVar> env = env(desired(TestPools.fixed("ns", "web", 1)));

    assertThat(env.get("RUNNER_KUBERNETES_POOL").getValue()).isEqualTo("web");
    assertThat(env.get("RUNNER_KUBERNETES_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
  }

  @Test
  void poolResourcesReplaceTheDefaults() {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    assertThat(runner(desired(pool)).getResources().getRequests())
        .containsEntry("cpu", new Quantity("500m"))
        .containsEntry("memory", new Quantity("2Gi"));

    pool.getSpec()
        .setResources(
            new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("2")).build());
    assertThat(runner(desired(pool)).getResources().getRequests())
        .containsExactlyEntriesOf(Map.of("cpu", new Quantity("2")));
  }

  private static RunnerPool withCpu(String request, String limit) {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    ResourceRequirementsBuilder resources =
        new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1Gi"));
    if (request != null) {
      resources.addToRequests("cpu", new Quantity(request));
    }
    if (limit != null) {
      resources.addToLimits("cpu", new Quantity(limit));
    }
    pool.getSpec().setResources(resources.build());
    return pool;
  }

  private String threads(RunnerPool pool) {
    return env(desired(pool)).get("RUNNER_EXECUTION_THREADS").getValue();
  }

  @Test
  void executionThreadsFollowTheCpuLimitRoundedUp() {
    assertThat(threads(withCpu("500m", "1500m"))).isEqualTo("2");
    assertThat(threads(withCpu("1", "4"))).isEqualTo("4");
  }

  @Test
  void executionThreadsFollowTheCpuRequestWhenThereIsNoLimit() {
    assertThat(threads(withCpu("3", null))).isEqualTo("3");
    assertThat(threads(withCpu("100m", null))).isEqualTo("1");
  }

  @Test
  void poolWithoutAnyCpuGetsOneExecutionThread() {
    assertThat(threads(withCpu(null, null))).isEqualTo("1");
    assertThat(threads(withCpu("0", null))).isEqualTo("1");
  }

  @Test
  void defaultResourcesGiveOneThreadAndTwoGigabytesOfMemory() {
    Deployment deployment = desired(TestPools.fixed("ns", "p", 1));

    assertThat(env(deployment).get("RUNNER_EXECUTION_THREADS").getValue()).isEqualTo("1");
    assertThat(runner(deployment).getResources().getLimits())
        .containsEntry("memory", new Quantity("2Gi"));
  }

  @Test
  void podMeetsTheRestrictedPodSecurityStandard() {
    Deployment deployment = desired(TestPools.fixed("ns", "p", 1));
    var pod = deployment.getSpec().getTemplate().getSpec().getSecurityContext();
    var container = runner(deployment).getSecurityContext();

    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void rootFilesystemIsReadOnlyWithAnEmptyDirForTmp() {
    Deployment deployment = desired(TestPools.fixed("ns", "p", 1));
    var podSpec = deployment.getSpec().getTemplate().getSpec();

    assertThat(runner(deployment).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(runner(deployment).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/tmp");
              assertThat(m.getName()).isEqualTo(RunnerDeploymentDependent.TMP_VOLUME);
            });
    assertThat(podSpec.getVolumes())
        .filteredOn(v -> v.getName().equals(RunnerDeploymentDependent.TMP_VOLUME))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("64Mi")));
    // Every mount is a volume of the pod: nothing else is writable.
    assertThat(runner(deployment).getVolumeMounts())
        .allSatisfy(
            m ->
                assertThat(podSpec.getVolumes())
                    .anySatisfy(v -> assertThat(v.getName()).isEqualTo(m.getName())));
  }

  @Test
  void runnerPodsMountTheirServiceAccountTokenBecauseTheyReadTheApi() {
    assertThat(
            desired(TestPools.fixed("ns", "p", 1))
                .getSpec()
                .getTemplate()
                .getSpec()
                .getAutomountServiceAccountToken())
        .isTrue();
  }

  @Test
  void insecureRegistriesOfTheOperatorReachTheRunner() {
    RunnerDeploymentDependent withInsecure =
        new RunnerDeploymentDependent(
            TestConfig.with(
                Map.of(
                    "serverlessrunner.operator.sources.insecure-registries",
                    "registry.local:5000,10.0.0.7")));

    Deployment deployment = withInsecure.desired(TestPools.fixed("ns", "p", 1), null);

    assertThat(env(deployment).get("RUNNER_KUBERNETES_INSECURE_REGISTRIES").getValue())
        .isEqualTo("registry.local:5000,10.0.0.7");
  }

  @Test
  void withoutInsecureRegistriesTheRunnerGetsNone() {
    assertThat(env(desired(TestPools.fixed("ns", "p", 1))))
        .doesNotContainKey("RUNNER_KUBERNETES_INSECURE_REGISTRIES");
  }

  @Test
  void blobCacheLivesOnABoundedEmptyDirLargerThanTheCacheBound() {
    Deployment deployment = desired(TestPools.fixed("ns", "p", 1));
    Map<String, EnvVar> env = env(deployment);

    Volume volume =
        deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("blob-cache"))
            .findFirst()
            .orElseThrow();
    VolumeMount mount =
        runner(deployment).getVolumeMounts().stream()
            .filter(m -> m.getName().equals("blob-cache"))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("1Gi"));
    assertThat(env.get("RUNNER_KUBERNETES_BLOB_CACHE_DIR").getValue())
        .isEqualTo(mount.getMountPath());
    long cacheBound = Long.parseLong(env.get("RUNNER_KUBERNETES_BLOB_CACHE_MAX_BYTES").getValue());
    long headroom =
        Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit()).longValueExact()
            - cacheBound;
    // Room for a few maximum-size modules written before older ones are evicted.
    assertThat(headroom)
        .isGreaterThanOrEqualTo(4 * TestConfig.defaults().sources().maxModuleBytes());
  }

  @Test
  void recordSpoolLivesOnAnEmptyDirWhoseLimitExceedsTheRunnersSpoolBound() {
    Deployment deployment = desired(TestPools.fixed("ns", "p", 1));
    Map<String, EnvVar> env = env(deployment);

    Volume volume =
        deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("record-spool"))
            .findFirst()
            .orElseThrow();
    VolumeMount mount =
        runner(deployment).getVolumeMounts().stream()
            .filter(m -> m.getName().equals("record-spool"))
            .findFirst()
            .orElseThrow();
    assertThat(env.get("RUNNER_RECORDING_SPOOL_DIR").getValue()).isEqualTo(mount.getMountPath());
    long spoolBound = Long.parseLong(env.get("RUNNER_RECORDING_SPOOL_MAX_BYTES").getValue());
    // The runner refuses work well before the kubelet would evict the pod with its spool.
    assertThat(Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit()).longValueExact())
        .isGreaterThan(spoolBound + (64L << 20));
  }

  @Test
  void desiredIsPure() {
    RunnerPool pool = TestPools.withShards(TestPools.fixed("ns", "p", 2), "pg-0");

    assertThat(desired(pool)).isEqualTo(desired(pool));
  }
}
