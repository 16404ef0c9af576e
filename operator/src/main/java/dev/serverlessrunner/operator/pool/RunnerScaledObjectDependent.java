package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.Autoscaling;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.config.OperatorConfig;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KEDA ScaledObject of a pool with an in-flight target: a Prometheus trigger on the runners'
 * in-flight gauge summed over the pool's pods, with the target per pod as threshold (KEDA's HPA
 * divides the sum by the replica count, like Knative's average concurrency), plus a CPU trigger
 * when the pool sets a CPU target. KEDA creates and owns the HPA itself (keda-hpa-P-runner).
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerScaledObjectDependent extends KedaDependent<ScaledObject> {

  /**
   * Scale-up may add ten times the current pods per 15 s HPA period (Knative's max scale-up rate is
   * 1000x per tick): a burst is followed at once, not 100 % at a time.
   */
  static final int SCALE_UP_PERCENT = 1000;

  /** Scale-down at most halves the pool per 15 s period (Knative's max scale-down rate 2). */
  static final int SCALE_DOWN_PERCENT = 50;

  /** The HPA controller's default sync period, the natural period of the policies above. */
  static final int POLICY_PERIOD_SECONDS = 15;

  public RunnerScaledObjectDependent() {
    super(ScaledObject.class, ScaledObject::new);
  }

  RunnerScaledObjectDependent(Autoscalers autoscalers) {
    this();
    this.autoscalers = autoscalers;
  }

  @Override
  public ScalingPlan.Scaler scaler() {
    return ScalingPlan.Scaler.SCALED_OBJECT;
  }

  @Override
  protected Map<String, Object> spec(RunnerPool pool) {
    Autoscaling autoscaling = pool.getSpec().getAutoscaling();
    OperatorConfig.Scaling settings = autoscalers.config().autoscaling();
    int min = autoscaling.getMinReplicas() == null ? 1 : autoscaling.getMinReplicas();

    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put(
        "scaleTargetRef",
        Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", PoolNames.childName(pool)));
    spec.put("pollingInterval", (int) settings.pollingInterval().toSeconds());
    // minReplicas 0 is the HTTP add-on's; without it the pool scales from one runner.
    spec.put("minReplicaCount", Math.max(1, min));
    spec.put("maxReplicaCount", autoscaling.getMaxReplicas());
    spec.put(
        "advanced",
        Map.of(
            "horizontalPodAutoscalerConfig",
            Map.of(
                "behavior",
                Map.of(
                    // Knative's panic mode in HPA terms: act on the latest reading, fast.
                    "scaleUp", behavior(0, SCALE_UP_PERCENT),
                    // Knative's stable window: shrink only to what the last window needed.
                    "scaleDown",
                        behavior((int) settings.stableWindow().toSeconds(), SCALE_DOWN_PERCENT)))));
    List<Map<String, Object>> triggers = new ArrayList<>();
    Map<String, Object> inFlight = new LinkedHashMap<>();
    inFlight.put("type", "prometheus");
    inFlight.put("name", "in-flight");
    inFlight.put(
        "metadata",
        Map.of(
            "serverAddress", settings.prometheusAddress(),
            "query", inFlightQuery(pool),
            "threshold", String.valueOf(autoscaling.getTargetInFlight())));
    triggers.add(inFlight);
    if (autoscaling.getTargetCPUUtilization() != null) {
      Map<String, Object> cpu = new LinkedHashMap<>();
      cpu.put("type", "cpu");
      cpu.put("name", "cpu");
      cpu.put("metricType", "Utilization");
      cpu.put("metadata", Map.of("value", String.valueOf(autoscaling.getTargetCPUUtilization())));
      triggers.add(cpu);
    }
    spec.put("triggers", triggers);
    return spec;
  }

  /**
   * The in-flight invocations of every runner pod of the pool, summed. Series carry the pod's
   * namespace and name as labels {@code namespace} and {@code pod} (the prometheus-community
   * chart's pod scrape job, as for deploy/metrics); the pool's pods are named after its Deployment
   * plus two generated segments, which no other pool's pods match.
   */
  static String inFlightQuery(RunnerPool pool) {
    return "sum("
        + RunnerContract.IN_FLIGHT_METRIC
        + "{namespace=\""
        + pool.getMetadata().getNamespace()
        + "\",pod=~\""
        + PoolNames.childName(pool)
        + "-[a-z0-9]+-[a-z0-9]+\"})";
  }

  private static Map<String, Object> behavior(int stabilizationSeconds, int percent) {
    return Map.of(
        "stabilizationWindowSeconds",
        stabilizationSeconds,
        "selectPolicy",
        "Max",
        "policies",
        List.of(
            Map.of("type", "Percent", "value", percent, "periodSeconds", POLICY_PERIOD_SECONDS)));
  }
}
