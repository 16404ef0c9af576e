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
     * Pods metric the HPA of a pool with targetInFlight targets: the runner's in-flight gauge,
     * under the name a custom metrics adapter serves it (deploy/README.md, In-flight autoscaling).
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
}
