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
     * Grace period of a stopping runner pod; longer than the runner's own drain timeout (30 s) so
     * in-flight invocations finish and queued records are flushed.
     */
    @WithDefault("45s")
    Duration terminationGracePeriod();

    /** CPU request when a pool sets no spec.resources (CPU autoscaling needs one). */
    @WithDefault("500m")
    String cpuRequest();

    /**
     * Memory request and limit when a pool sets no spec.resources. The image gives the heap 75 %;
     * the runner needs ~150 MiB outside it (measured), so 512Mi would be too tight.
     */
    @WithDefault("1Gi")
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
}
