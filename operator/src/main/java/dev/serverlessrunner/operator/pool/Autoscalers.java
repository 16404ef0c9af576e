package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.config.OperatorConfig;
import dev.serverlessrunner.operator.pool.ScalingPlan.KedaApisServed;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Supplier;

/**
 * Chooses each pool's autoscaler ({@link ScalingPlan}) from what the cluster serves. Whether KEDA
 * and its HTTP add-on are installed is asked of the API server's discovery (which every
 * authenticated client may read, so the operator needs no right on CustomResourceDefinitions), at
 * most once per {@code autoscaling.discovery-interval}.
 */
@ApplicationScoped
public class Autoscalers {
  /** API group and version of KEDA's ScaledObject. */
  public static final String KEDA_API = "keda.sh/v1alpha1";

  /** API group and version of the HTTP add-on's HTTPScaledObject. */
  public static final String HTTP_ADD_ON_API = "http.keda.sh/v1alpha1";

  private final Supplier<KedaApisServed> served;
  private final OperatorConfig config;

  @Inject
  public Autoscalers(KubernetesClient client, OperatorConfig config) {
    this(new Discovery(client, config.autoscaling().discoveryInterval().toNanos()), config);
  }

  Autoscalers(Supplier<KedaApisServed> served, OperatorConfig config) {
    this.served = served;
    this.config = config;
  }

  /** Autoscalers of a cluster that serves exactly {@code served}, for tests of desired(). */
  public static Autoscalers fixed(KedaApisServed served, OperatorConfig config) {
    return new Autoscalers(() -> served, config);
  }

  /** The pool's plan in the cluster as last discovered. */
  public ScalingPlan plan(RunnerPool pool) {
    return ScalingPlan.of(pool, served(), config.autoscaling().customMetricsAdapter());
  }

  /** Which KEDA APIs the cluster serves, as last discovered. */
  public KedaApisServed served() {
    return served.get();
  }

  /** The operator's settings, for the dependents that render the autoscalers. */
  public OperatorConfig config() {
    return config;
  }

  /** Discovery of the KEDA APIs, remembered for an interval. */
  private static final class Discovery implements Supplier<KedaApisServed> {
    private final KubernetesClient client;
    private final long intervalNanos;
    private KedaApisServed last;
    private long checkedAt;

    Discovery(KubernetesClient client, long intervalNanos) {
      this.client = client;
      this.intervalNanos = intervalNanos;
    }

    @Override
    public synchronized KedaApisServed get() {
      long now = System.nanoTime();
      if (last == null || now - checkedAt >= intervalNanos) {
        last =
            new KedaApisServed(
                serves(KEDA_API, "scaledobjects"), serves(HTTP_ADD_ON_API, "httpscaledobjects"));
        checkedAt = now;
      }
      return last;
    }

    /** Null (404) when the group version is not served; any other failure is thrown. */
    private boolean serves(String groupVersion, String plural) {
      APIResourceList resources = client.getApiResources(groupVersion);
      return resources != null
          && resources.getResources() != null
          && resources.getResources().stream().anyMatch(r -> plural.equals(r.getName()));
    }
  }
}
