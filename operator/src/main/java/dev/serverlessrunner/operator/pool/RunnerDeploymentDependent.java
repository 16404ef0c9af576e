package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.Batch;
import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.crd.pool.Persistence;
import dev.serverlessrunner.crd.pool.ResponseHeaders;
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
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The runner pods of a pool. Runner settings travel as the environment variables of {@link
 * RunnerContract}; shard URIs come from the referenced Secrets.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerDeploymentDependent
    extends CRUDKubernetesDependentResource<Deployment, RunnerPool> {

  /**
   * The emptyDir mounted at /tmp, the one writable directory of the read-only root filesystem
   * outside the runner's own volumes (JVM perf data, Vert.x file cache).
   */
  static final String TMP_VOLUME = "tmp";

  /** sizeLimit of the /tmp volume: the runner writes no request data there. */
  static final String TMP_SIZE_LIMIT = "64Mi";

  /** The emptyDir volume holding the blob cache, so a restarted container finds its modules. */
  static final String BLOB_CACHE_VOLUME = "blob-cache";

  /** Where the blob cache volume is mounted. */
  static final String BLOB_CACHE_PATH = "/var/cache/serverless-runner/blobs";

  /** sizeLimit of the blob cache volume; the kubelet evicts a pod whose emptyDir passes it. */
  static final String BLOB_CACHE_SIZE_LIMIT = "1Gi";

  /**
   * The runner's cache bound: 256 MiB under the volume's limit, because a module is written before
   * older ones are evicted, and five maximum-size (50 MiB) modules may be in flight at once.
   */
  static final long BLOB_CACHE_MAX_BYTES = 768L << 20;

  /** Container port of health and metrics; probes and scraping use it, the Service does not. */
  static final String MANAGEMENT_PORT_NAME = "management";

  /** The conventional annotations a Prometheus pod scrape config selects on. */
  static final Map<String, String> PROMETHEUS_ANNOTATIONS =
      Map.of(
          "prometheus.io/scrape", "true",
          "prometheus.io/port", String.valueOf(PoolNames.MANAGEMENT_PORT),
          "prometheus.io/path", "/q/metrics");

  /**
   * The emptyDir volume holding answered records until their rows commit: it survives a container
   * restart in the same pod (SIGKILL, out of memory), so the restarted runner writes them. It does
   * not survive losing the pod or the node; sync functions do.
   */
  static final String SPOOL_VOLUME = "record-spool";

  /** Where the spool volume is mounted. */
  static final String SPOOL_PATH = "/var/lib/serverless-runner/spool";

  /** sizeLimit of the spool volume; the kubelet evicts a pod (and its spool) that passes it. */
  static final String SPOOL_SIZE_LIMIT = "1Gi";

  /**
   * The runner's spool bound, well under the volume's limit: past it the runner answers 503 instead
   * of growing the spool, since an eviction would lose every spooled record at once. The overshoot
   * is at most one group of in-flight records and a segment's header.
   */
  static final long SPOOL_MAX_BYTES = 768L << 20;

  @Inject OperatorConfig config;

  @Inject Autoscalers autoscalers;

  public RunnerDeploymentDependent() {
    super(Deployment.class);
  }

  /** For tests: a cluster without KEDA. */
  RunnerDeploymentDependent(OperatorConfig config) {
    this(config, Autoscalers.fixed(ScalingPlan.KedaApisServed.NONE, config));
  }

  RunnerDeploymentDependent(OperatorConfig config, Autoscalers autoscalers) {
    this();
    this.config = config;
    this.autoscalers = autoscalers;
  }

  /** A pool whose image is not allowed keeps its Deployment as it is, or gets none. */
  @Override
  public ReconcileResult<Deployment> reconcile(RunnerPool pool, Context<RunnerPool> context) {
    if (RunnerImages.refusal(pool, config).isPresent()) {
      return ReconcileResult.noOperation(getSecondaryResource(pool, context).orElse(null));
    }
    return super.reconcile(pool, context);
  }

  @Override
  protected Deployment desired(RunnerPool pool, Context<RunnerPool> context) {
    RunnerPoolSpec spec = pool.getSpec();
    ResourceRequirements resources = resources(spec);
    Deployment deployment =
        new DeploymentBuilder()
            .withMetadata(PoolNames.childMetadata(pool))
            .withNewSpec()
            // spec.replicas, or minReplicas while the autoscaler the pool needs is not installed;
            // left out while an autoscaler (HPA, KEDA) owns the count, so the two never fight.
            .withReplicas(autoscalers.plan(pool).replicas())
            .withNewSelector()
            .withMatchLabels(PoolNames.selectorLabels(pool))
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(PoolNames.labels(pool))
            .withAnnotations(PROMETHEUS_ANNOTATIONS)
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName(PoolNames.childName(pool))
            // Stated, not inherited: the runner's function source reads the Kubernetes API.
            .withAutomountServiceAccountToken(true)
            // Covers the runner's whole shutdown, each phase of which it is told below.
            .withTerminationGracePeriodSeconds(
                RunnerShutdownBudget.of(pool, config.runner())
                    .terminationGracePeriod(config.runner().terminationGracePeriod())
                    .toSeconds())
            // The "restricted" Pod Security Standard; the image runs as uid 10001.
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .addNewVolume()
            .withName(TMP_VOLUME)
            .withNewEmptyDir()
            .withSizeLimit(new Quantity(TMP_SIZE_LIMIT))
            .endEmptyDir()
            .endVolume()
            .addNewVolume()
            .withName(BLOB_CACHE_VOLUME)
            .withNewEmptyDir()
            .withSizeLimit(new Quantity(BLOB_CACHE_SIZE_LIMIT))
            .endEmptyDir()
            .endVolume()
            .addNewVolume()
            .withName(SPOOL_VOLUME)
            .withNewEmptyDir()
            .withSizeLimit(new Quantity(SPOOL_SIZE_LIMIT))
            .endEmptyDir()
            .endVolume()
            .addNewContainer()
            .withName(PoolNames.CONTAINER)
            .withImage(RunnerImages.image(pool, config))
            .withImagePullPolicy(config.runner().imagePullPolicy())
            .addNewPort()
            .withName("http")
            .withContainerPort(PoolNames.HTTP_PORT)
            .withProtocol("TCP")
            .endPort()
            .addNewPort()
            .withName(MANAGEMENT_PORT_NAME)
            .withContainerPort(PoolNames.MANAGEMENT_PORT)
            .withProtocol("TCP")
            .endPort()
            .withEnv(env(pool, resources))
            .withResources(resources)
            .addNewVolumeMount()
            .withName(TMP_VOLUME)
            .withMountPath("/tmp")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName(BLOB_CACHE_VOLUME)
            .withMountPath(BLOB_CACHE_PATH)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName(SPOOL_VOLUME)
            .withMountPath(SPOOL_PATH)
            .endVolumeMount()
            // Probed every second: a longer period adds up to that much to every new runner's
            // start before the Service sends it traffic (bench/coldstart measures the start to
            // the runner's own readiness); the check is in-process and cheap.
            .withReadinessProbe(probe("/q/health/ready", 1, 3))
            .withLivenessProbe(probe("/q/health/live", 10, 6))
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            // Writable only: /tmp (JVM perf data, Vert.x file cache) and the volumes above.
            .withReadOnlyRootFilesystem(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    RunnerAuth.mount(deployment, pool);
    RunnerShardCa.mount(deployment, pool);
    return deployment;
  }

  /**
   * One guest thread per CPU of the limit, else of the request, rounded up; 1 without either. The
   * JVM sees every core of the node when there is no CPU limit, and that many threads would fail
   * the runner's heap check (threads x guest memory within half the heap).
   */
  static int executionThreads(ResourceRequirements resources) {
    Quantity cpu = cpu(resources.getLimits());
    if (cpu == null) {
      cpu = cpu(resources.getRequests());
    }
    if (cpu == null) {
      return 1;
    }
    BigDecimal cores =
        cpu.getNumericalAmount()
            .setScale(0, RoundingMode.CEILING)
            .min(BigDecimal.valueOf(Integer.MAX_VALUE));
    return Math.max(1, cores.intValue());
  }

  private static Quantity cpu(Map<String, Quantity> quantities) {
    return quantities == null ? null : quantities.get("cpu");
  }

  private List<EnvVar> env(RunnerPool pool, ResourceRequirements resources) {
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar(RunnerContract.ENV_POOL, pool.getMetadata().getName(), null));
    env.add(
        new EnvVarBuilder()
            .withName(RunnerContract.ENV_NAMESPACE)
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
                .withKey(RunnerContract.SHARD_SECRET_KEY)
                .endSecretKeyRef()
                .endValueFrom()
                .build());
      }
      // Kubernetes expands $(VAR) from variables defined earlier in the list, so the URIs never
      // appear in the Deployment itself.
      env.add(
          new EnvVar(
              RunnerContract.ENV_SHARDS,
              shardVars.stream().map(v -> "$(" + v + ")").collect(Collectors.joining(",")),
              null));
    }
    Batch batch = persistence == null ? null : persistence.getBatch();
    if (batch != null) {
      addIfSet(env, RunnerContract.ENV_RECORDING_MAX_ROWS, batch.getMaxRows());
      addIfSet(env, RunnerContract.ENV_RECORDING_FLUSH_INTERVAL, batch.getFlushInterval());
      addIfSet(env, RunnerContract.ENV_RECORDING_QUEUE_CAPACITY, batch.getQueueCapacity());
    }
    env.add(
        new EnvVar(RunnerContract.ENV_THREADS, String.valueOf(executionThreads(resources)), null));
    // Always set, so the runner enforces (and sizes its heap check for) exactly what the
    // operator reports in the functions' status.
    FunctionCeilings ceilings = FunctionCeilings.of(pool);
    env.add(
        new EnvVar(
            RunnerContract.ENV_LIMITS_CEILING_MEMORY_BYTES,
            String.valueOf(ceilings.memoryBytes()),
            null));
    env.add(
        new EnvVar(RunnerContract.ENV_LIMITS_CEILING_FUEL, String.valueOf(ceilings.fuel()), null));
    env.add(
        new EnvVar(RunnerContract.ENV_LIMITS_CEILING_TIMEOUT, ceilings.timeout().toString(), null));
    env.add(
        new EnvVar(
            RunnerContract.ENV_LIMITS_CEILING_STDOUT_BYTES,
            String.valueOf(ceilings.maxStdoutBytes()),
            null));
    env.add(
        new EnvVar(
            RunnerContract.ENV_LIMITS_CEILING_REQUEST_BYTES,
            String.valueOf(ceilings.maxRequestBytes()),
            null));
    env.addAll(RunnerAuth.env(pool));
    env.addAll(RunnerShardCa.env(pool));
    ResponseHeaders headers = pool.getSpec().getResponseHeaders();
    if (headers != null) {
      addList(env, RunnerContract.ENV_CGI_DENY_HEADERS, headers.getDeny());
      addList(env, RunnerContract.ENV_CGI_ALLOW_HEADERS, headers.getAllow());
    }
    env.add(new EnvVar(RunnerContract.ENV_BLOB_CACHE_DIR, BLOB_CACHE_PATH, null));
    env.add(
        new EnvVar(
            RunnerContract.ENV_BLOB_CACHE_MAX_BYTES, String.valueOf(BLOB_CACHE_MAX_BYTES), null));
    env.add(new EnvVar(RunnerContract.ENV_SPOOL_DIR, SPOOL_PATH, null));
    env.add(new EnvVar(RunnerContract.ENV_SPOOL_MAX_BYTES, String.valueOf(SPOOL_MAX_BYTES), null));
    env.add(
        new EnvVarBuilder()
            .withName(RunnerContract.ENV_POD_NAME)
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .build());
    RunnerShutdownBudget shutdown = RunnerShutdownBudget.of(pool, config.runner());
    env.add(
        new EnvVar(
            RunnerContract.ENV_SHUTDOWN_DELAY, shutdown.endpointRemovalDelay().toString(), null));
    env.add(
        new EnvVar(
            RunnerContract.ENV_EXECUTION_DRAIN_TIMEOUT,
            shutdown.executionDrain().toString(),
            null));
    env.add(
        new EnvVar(
            RunnerContract.ENV_RECORDING_DRAIN_TIMEOUT,
            shutdown.recordingDrain().toString(),
            null));
    List<String> insecure =
        config.sources().insecureRegistries().orElse(List.of()).stream()
            .filter(r -> !r.isBlank())
            .toList();
    if (!insecure.isEmpty()) {
      env.add(new EnvVar(RunnerContract.ENV_INSECURE_REGISTRIES, String.join(",", insecure), null));
    }
    return env;
  }

  private static void addList(List<EnvVar> env, String name, List<String> values) {
    if (values != null && !values.isEmpty()) {
      env.add(new EnvVar(name, String.join(",", values), null));
    }
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
        .withPort(new IntOrString(MANAGEMENT_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }
}
