package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.Batch;
import dev.serverlessrunner.crd.pool.Persistence;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.RunnerPoolSpec;
import dev.serverlessrunner.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The runner pods of a pool. Runner settings travel as environment variables of the runner's
 * {@code @ConfigMapping} ({@code RUNNER_...}); shard URIs come from the referenced Secrets.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerDeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, RunnerPool> {

  /** Pool name, for the runner's Kubernetes function source. */
  public static final String ENV_POOL = "RUNNER_KUBERNETES_POOL";

  /** Namespace of the pool and its functions. */
  public static final String ENV_NAMESPACE = "RUNNER_KUBERNETES_NAMESPACE";

  /** Comma-separated shard URIs ({@code runner.recording.shards}). */
  public static final String ENV_SHARDS = "RUNNER_RECORDING_SHARDS";

  /** Key of a shard Secret holding the connection URI. */
  public static final String SHARD_SECRET_KEY = "url";

  @Inject OperatorConfig config;

  public RunnerDeploymentDependent() {
    super(Deployment.class);
  }

  RunnerDeploymentDependent(OperatorConfig config) {
    this();
    this.config = config;
  }

  @Override
  protected Deployment desired(RunnerPool pool, Context<RunnerPool> context) {
    RunnerPoolSpec spec = pool.getSpec();
    return new DeploymentBuilder()
        .withMetadata(PoolNames.childMetadata(pool))
        .withNewSpec()
        // Left out while an HPA owns the replica count, so the two never fight over it.
        .withReplicas(replicas(pool))
        .withNewSelector()
        .withMatchLabels(PoolNames.selectorLabels(pool))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(PoolNames.labels(pool))
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(PoolNames.childName(pool))
        .withTerminationGracePeriodSeconds(config.runner().terminationGracePeriod().toSeconds())
        .addNewContainer()
        .withName(PoolNames.CONTAINER)
        .withImage(spec.getImage() != null ? spec.getImage() : config.runner().image())
        .withImagePullPolicy(config.runner().imagePullPolicy())
        .addNewPort()
        .withName("http")
        .withContainerPort(PoolNames.HTTP_PORT)
        .withProtocol("TCP")
        .endPort()
        .withEnv(env(pool))
        .withResources(resources(spec))
        .withReadinessProbe(probe("/q/health/ready", 5, 3))
        .withLivenessProbe(probe("/q/health/live", 10, 6))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Fixed replica count, or null when autoscaled; 1 when the pool sets neither. */
  static Integer replicas(RunnerPool pool) {
    if (AutoscalingEnabled.isAutoscaled(pool)) {
      return null;
    }
    return pool.getSpec().getReplicas() == null ? 1 : pool.getSpec().getReplicas();
  }

  private static List<EnvVar> env(RunnerPool pool) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar(ENV_POOL, pool.getMetadata().getName(), null));
    env.add(
        new EnvVarBuilder()
            .withName(ENV_NAMESPACE)
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.namespace")
            .endFieldRef()
            .endValueFrom()
            .build());
    Persistence persistence = pool.getSpec().getPersistence();
    if (persistence != null && persistence.getShards() != null) {
      List<String> shardVars =
          IntStream.range(0, persistence.getShards().size())
              .mapToObj(i -> "SERVERLESSRUNNER_SHARD_" + i + "_URL")
              .toList();
      for (int i = 0; i < shardVars.size(); i++) {
        env.add(
            new EnvVarBuilder()
                .withName(shardVars.get(i))
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(persistence.getShards().get(i).getSecretRef().getName())
                .withKey(SHARD_SECRET_KEY)
                .endSecretKeyRef()
                .endValueFrom()
                .build());
      }
      // Kubernetes expands $(VAR) from variables defined earlier in the list, so the URIs never
      // appear in the Deployment itself.
      env.add(
          new EnvVar(
              ENV_SHARDS,
              shardVars.stream().map(v -> "$(" + v + ")").collect(Collectors.joining(",")),
              null));
    }
    Batch batch = persistence == null ? null : persistence.getBatch();
    if (batch != null) {
      addIfSet(env, "RUNNER_RECORDING_MAX_ROWS", batch.getMaxRows());
      addIfSet(env, "RUNNER_RECORDING_FLUSH_INTERVAL", batch.getFlushInterval());
      addIfSet(env, "RUNNER_RECORDING_QUEUE_CAPACITY", batch.getQueueCapacity());
    }
    return env;
  }

  private static void addIfSet(List<EnvVar> env, String name, Object value) {
    if (value != null) {
      env.add(new EnvVar(name, String.valueOf(value), null));
    }
  }

  private ResourceRequirements resources(RunnerPoolSpec spec) {
    if (spec.getResources() != null) {
      return spec.getResources();
    }
    Quantity memory = new Quantity(config.runner().memory());
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(config.runner().cpuRequest()))
        .addToRequests("memory", memory)
        .addToLimits("memory", memory)
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString("http"))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }
}
