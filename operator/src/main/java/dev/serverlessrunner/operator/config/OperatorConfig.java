package dev.serverlessrunner.operator.config;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.engine.load.ModulePolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the operator, under the prefix {@code serverlessrunner.operator}; each can also
 * be set as an environment variable, e.g. {@code SERVERLESSRUNNER_OPERATOR_RUNNER_IMAGE}.
 * operator/README.md lists them all.
 */
@ConfigMapping(prefix = "serverlessrunner.operator")
public interface OperatorConfig {

  /** How runner pods are built for pools that do not say otherwise. */
  Runner runner();

  /** How function sources are resolved. */
  Sources sources();

  /** The NetworkPolicy of every pool's runner pods. */
  NetworkPolicies networkPolicy();

  /** How pools with spec.autoscaling are scaled (HPA, KEDA, KEDA's HTTP add-on). */
  Scaling autoscaling();

  /** Defaults of the runner pods of every pool. */
  interface Runner {
    /** Image of the runner container when a pool sets no spec.image. */
    @WithDefault("ghcr.io/serverlessrunner/runner:0.1.0")
    String image();

    /**
     * Images a pool may choose in spec.image, besides {@link #image()} (always allowed): exact
     * references, or prefixes ending in {@code *} (e.g. {@code registry.example.com/runner:*}).
     * Empty by default: only the operator's own runner image. A pool with another image is not
     * deployed (Ready=False, ImageNotAllowed), since whoever runs an image of their choice as the
     * runner's ServiceAccount holds the runner's rights.
     */
    Optional<List<String>> allowedImages();

    /** Pull policy of the runner container. */
    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /**
     * Least grace period of a stopping runner pod. The operator gives each pool more when its
     * shutdown needs it: endpoint-removal delay + the pool's longest function timeout + the record
     * drain + a margin (RunnerShutdownBudget).
     */
    @WithDefault("45s")
    Duration terminationGracePeriod();

    /**
     * After SIGTERM, how long a runner keeps serving while unready, so endpoints and proxies stop
     * sending it traffic before it refuses any (the runner's
     * runner.shutdown.endpoint-removal-delay).
     */
    @WithDefault("5s")
    Duration endpointRemovalDelay();

    /**
     * On shutdown, the time a runner's record backlogs get besides writing a full backlog at a
     * pessimistic 10,000 rows/s: covers retries against a slow shard.
     */
    @WithDefault("20s")
    Duration recordingDrainBase();

    /** CPU request when a pool sets no spec.resources (CPU autoscaling needs one). */
    @WithDefault("500m")
    String cpuRequest();

    /**
     * Memory request and limit when a pool sets no spec.resources. The image gives the heap 75 %
     * (1536 MiB); the runner's heap check needs 672 MiB of it with one thread at the default
     * function limit ceilings and two shards (runner/README.md, Heap budget), within 75 % of it.
     */
    @WithDefault("2Gi")
    String memory();

    /**
     * Pods metric the HPA of a pool with targetInFlight targets when {@link
     * Scaling#customMetricsAdapter()} is set and KEDA is not installed: the runner's in-flight
     * gauge, under the name the adapter serves it (deploy/README.md, Request-driven autoscaling).
     */
    @WithDefault(RunnerContract.IN_FLIGHT_METRIC)
    String inFlightMetric();
  }

  /** Function source resolution. */
  interface Sources {
    /** Largest module accepted from a ConfigMap or registry, in bytes (same as the runner). */
    @WithDefault("" + ModulePolicy.DEFAULT_MAX_MODULE_BYTES)
    long maxModuleBytes();

    /** Connect and request timeout of registry calls. */
    @WithDefault("10s")
    Duration registryTimeout();

    /**
     * Registries (host or host:port) spoken to over plain HTTP instead of HTTPS, e.g. a local test
     * registry. Empty by default.
     */
    Optional<List<String>> insecureRegistries();
  }

  /**
   * What each pool's NetworkPolicy lets in and out of its runner pods. Ingress: the invocation port
   * from anywhere, the management port from the monitoring namespace. Egress: DNS, the shards, the
   * API server and registries, on these ports. Unset CIDRs mean any destination on those ports.
   */
  interface NetworkPolicies {
    /**
     * Label selector (key=value,...) of the namespaces that may reach the management port (health
     * and metrics), e.g. where Prometheus runs.
     */
    @WithDefault("kubernetes.io/metadata.name=monitoring")
    String monitoringNamespaceSelector();

    /** Label selector of the pods in those namespaces that may reach it; empty: every pod. */
    Optional<String> monitoringPodSelector();

    /** TCP ports of the PostgreSQL shards. */
    @WithDefault("5432")
    List<Integer> shardPorts();

    /** Where the shards are (CIDRs); empty: anywhere. */
    Optional<List<String>> shardCidrs();

    /** TCP ports of the Kubernetes API server (443 for the Service, 6443 after its DNAT). */
    @WithDefault("443,6443")
    List<Integer> apiServerPorts();

    /** Where the API server is (CIDRs); empty: anywhere. */
    Optional<List<String>> apiServerCidrs();

    /** TCP ports of OCI registries; ports of sources.insecure-registries are added. */
    @WithDefault("443")
    List<Integer> registryPorts();

    /** Where the registries are (CIDRs); empty: anywhere. */
    Optional<List<String>> registryCidrs();
  }

  /**
   * Autoscaling of pools with spec.autoscaling. CPU targets get a HorizontalPodAutoscaler; an
   * in-flight target gets a KEDA ScaledObject (Prometheus trigger), and minReplicas 0 an
   * HTTPScaledObject of KEDA's HTTP add-on, when the cluster serves those APIs. The defaults follow
   * Knative's autoscaler: a 60 s stable window for scaling down, fast scale-up (operator/README.md,
   * Autoscaling).
   */
  interface Scaling {
    /**
     * Prometheus that KEDA's Prometheus trigger queries for the runners' in-flight gauge (it must
     * scrape the runner pods; the operator annotates them). The default is the prometheus-community
     * chart's server Service in namespace monitoring.
     */
    @WithDefault("http://prometheus-server.monitoring.svc")
    String prometheusAddress();

    /**
     * How often KEDA evaluates a ScaledObject's triggers (its pollingInterval); the HPA KEDA
     * creates reads the metric on its own sync period (15 s by default).
     */
    @WithDefault("15s")
    Duration pollingInterval();

    /**
     * Scale-down stabilization of KEDA's HPA: the pool shrinks only to what the busiest moment of
     * this window needed (Knative's stable window, 60 s). Scaling up is not stabilized.
     */
    @WithDefault("60s")
    Duration stableWindow();

    /**
     * With minReplicas 0: how long a pool sees no request before its last runner goes (the
     * HTTPScaledObject's scaledownPeriod; Knative: 60 s stable window + 30 s grace).
     */
    @WithDefault("90s")
    Duration scaleToZeroDelay();

    /**
     * With minReplicas 0: how long KEDA's interceptor holds a request while the pool has no ready
     * runner (the HTTPScaledObject's timeouts.conditionWait): pod scheduling, image pull and the
     * runner's start-up with its functions preloaded must fit in it.
     */
    @WithDefault("30s")
    Duration coldStartTimeout();

    /**
     * How often the operator asks the API server's discovery whether KEDA (keda.sh/v1alpha1
     * ScaledObject) and its HTTP add-on (http.keda.sh/v1alpha1 HTTPScaledObject) are installed;
     * pools that wait for them are reconciled again at this interval.
     */
    @WithDefault("30s")
    Duration discoveryInterval();

    /**
     * Whether a custom metrics adapter (e.g. prometheus-adapter with deploy/metrics' rule) serves
     * {@link Runner#inFlightMetric()}: then, without KEDA, an in-flight target scales through an
     * HPA Pods metric instead of holding the pool at minReplicas.
     */
    @WithDefault("false")
    boolean customMetricsAdapter();
  }
}
