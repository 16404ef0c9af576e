package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.Autoscaling;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTPScaledObject (KEDA HTTP add-on v0.8 or later) of a pool with minReplicas 0: the add-on's
 * interceptor routes the pool's hosts to its Service, counts the requests in flight, holds them
 * while the pool is at zero and a runner starts, and the add-on's own ScaledObject scales the
 * Deployment from 0 at {@code targetInFlight} concurrent requests per pod. The interceptor waits up
 * to {@code autoscaling.cold-start-timeout} for a runner, and for an answer as long as the pool's
 * longest function may run.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerHttpScaledObjectDependent extends KedaDependent<HttpScaledObject> {

  public RunnerHttpScaledObjectDependent() {
    super(HttpScaledObject.class, HttpScaledObject::new);
  }

  RunnerHttpScaledObjectDependent(Autoscalers autoscalers) {
    this();
    this.autoscalers = autoscalers;
  }

  @Override
  public ScalingPlan.Scaler scaler() {
    return ScalingPlan.Scaler.HTTP_SCALED_OBJECT;
  }

  @Override
  protected Map<String, Object> spec(RunnerPool pool) {
    Autoscaling autoscaling = pool.getSpec().getAutoscaling();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("hosts", ScalingPlan.hosts(pool));
    // Every path: the Service's port serves only /execute/ and /executions/, and answers any other
    // path with the runner's JSON 404.
    spec.put("pathPrefixes", List.of("/"));
    spec.put(
        "scaleTargetRef",
        Map.of(
            "apiVersion",
            "apps/v1",
            "kind",
            "Deployment",
            "name",
            PoolNames.childName(pool),
            "service",
            PoolNames.childName(pool),
            "port",
            RunnerServiceDependent.SERVICE_PORT));
    spec.put("replicas", Map.of("min", 0, "max", autoscaling.getMaxReplicas()));
    spec.put(
        "scaledownPeriod", (int) autoscalers.config().autoscaling().scaleToZeroDelay().toSeconds());
    spec.put(
        "scalingMetric",
        Map.of("concurrency", Map.of("targetValue", autoscaling.getTargetInFlight())));
    // Add-on v0.11 or later: the interceptor's global timeouts may be shorter than a cold start or
    // than a guest may run (its response header timeout was 500 ms before v0.15).
    spec.put(
        "timeouts",
        Map.of(
            "conditionWait",
            seconds(autoscalers.config().autoscaling().coldStartTimeout()),
            "responseHeader",
            seconds(
                RunnerShutdownBudget.of(pool, autoscalers.config().runner()).executionDrain())));
    return spec;
  }

  /** A duration as the Go duration string the add-on parses, in whole seconds. */
  private static String seconds(Duration duration) {
    return duration.toSeconds() + "s";
  }
}
