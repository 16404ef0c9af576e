package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.Autoscaling;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * autoscaling/v2 HorizontalPodAutoscaler of the runner Deployment: CPU utilisation, plus the
 * in-flight Pods metric where a custom metrics adapter serves it and KEDA is not installed. Exists
 * only while the pool's {@link ScalingPlan} chooses it ({@link ScalerChosen}), deleted otherwise.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerHpaDependent
    extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, RunnerPool>
    implements PoolScaler {

  @Inject Autoscalers autoscalers;

  public RunnerHpaDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  RunnerHpaDependent(Autoscalers autoscalers) {
    this();
    this.autoscalers = autoscalers;
  }

  @Override
  public ScalingPlan.Scaler scaler() {
    return ScalingPlan.Scaler.HPA;
  }

  @Override
  public Autoscalers autoscalers() {
    return autoscalers;
  }

  @Override
  protected HorizontalPodAutoscaler desired(RunnerPool pool, Context<RunnerPool> context) {
    Autoscaling autoscaling = pool.getSpec().getAutoscaling();
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(PoolNames.childMetadata(pool))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(PoolNames.childName(pool))
        .endScaleTargetRef()
        // An HPA cannot scale to zero (alpha feature gate); minReplicas 0 is KEDA's HTTP add-on's.
        .withMinReplicas(
            Math.max(1, autoscaling.getMinReplicas() == null ? 1 : autoscaling.getMinReplicas()))
        .withMaxReplicas(autoscaling.getMaxReplicas())
        .withMetrics(metrics(autoscaling, autoscalers.plan(pool).inFlightOnHpa()))
        .endSpec()
        .build();
  }

  /**
   * The HPA's identity without computing desired(), which needs spec.autoscaling: JOSDK asks for it
   * to find the HPA to delete once autoscaling has been removed.
   */
  @Override
  protected ResourceID targetSecondaryResourceID(RunnerPool pool, Context<RunnerPool> context) {
    return new ResourceID(PoolNames.childName(pool), pool.getMetadata().getNamespace());
  }

  private List<MetricSpec> metrics(Autoscaling autoscaling, boolean inFlight) {
    List<MetricSpec> metrics = new ArrayList<>();
    if (inFlight) {
      metrics.add(
          new MetricSpecBuilder()
              .withType("Pods")
              .withNewPods()
              .withNewMetric()
              .withName(autoscalers.config().runner().inFlightMetric())
              .endMetric()
              .withNewTarget()
              .withType("AverageValue")
              .withAverageValue(new Quantity(String.valueOf(autoscaling.getTargetInFlight())))
              .endTarget()
              .endPods()
              .build());
    }
    if (autoscaling.getTargetCPUUtilization() != null) {
      metrics.add(
          new MetricSpecBuilder()
              .withType("Resource")
              .withNewResource()
              .withName("cpu")
              .withNewTarget()
              .withType("Utilization")
              .withAverageUtilization(autoscaling.getTargetCPUUtilization())
              .endTarget()
              .endResource()
              .build());
    }
    return metrics;
  }
}
