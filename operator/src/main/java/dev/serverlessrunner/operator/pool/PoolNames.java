package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Names and labels of the objects the operator creates for a pool, in one place. */
public final class PoolNames {
  /** Label on every object the operator manages; its informers watch only those. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** Value of {@link #MANAGED_BY}. */
  public static final String OPERATOR = "serverlessrunner-operator";

  /** Label selector of every dependent informer. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  /** Label naming the pool a runner pod belongs to. */
  public static final String POOL_LABEL = "serverlessrunner.dev/pool";

  /** Name of the runner container and of its HTTP port. */
  public static final String CONTAINER = "runner";

  /** HTTP port of the runner: invocation only, the one the Service exposes. */
  public static final int HTTP_PORT = 8080;

  /**
   * Management port of the runner ({@code quarkus.management.port}): health and metrics, for probes
   * and Prometheus; never behind the Service.
   */
  public static final int MANAGEMENT_PORT = 9000;

  private PoolNames() {}

  /** Name shared by the Deployment, Service, HPA, PDB, ServiceAccount, Role and RoleBinding. */
  public static String childName(RunnerPool pool) {
    return pool.getMetadata().getName() + "-runner";
  }

  /** Labels that select the pool's runner pods (stable for the pool's life). */
  public static Map<String, String> selectorLabels(RunnerPool pool) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "runner");
    labels.put(POOL_LABEL, pool.getMetadata().getName());
    return labels;
  }

  /** Labels of every child object: the selector labels plus ownership. */
  public static Map<String, String> labels(RunnerPool pool) {
    Map<String, String> labels = selectorLabels(pool);
    labels.put("app.kubernetes.io/instance", pool.getMetadata().getName());
    labels.put("app.kubernetes.io/part-of", "serverless-runner");
    labels.put(MANAGED_BY, OPERATOR);
    return labels;
  }

  /** Metadata of a child object: its name, the pool's namespace and {@link #labels}. */
  public static ObjectMeta childMetadata(RunnerPool pool) {
    return new ObjectMetaBuilder()
        .withName(childName(pool))
        .withNamespace(pool.getMetadata().getNamespace())
        .withLabels(labels(pool))
        .build();
  }

  /** The selector labels in the string form the scale subresource expects. */
  public static String selector(RunnerPool pool) {
    return selectorLabels(pool).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
