package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.Autoscaling;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.config.OperatorConfig;
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

/**
 * autoscaling/v2 HorizontalPodAutoscaler of the runner Deployment; exists only while the pool sets
 * spec.autoscaling (see {@link AutoscalingEnabled}), deleted when it is removed.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerHpaDependent
    extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, RunnerPool> {

  @Inject OperatorConfig config;

  public RunnerHpaDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  RunnerHpaDependent(OperatorConfig config) {
    this();
    this.config = config;
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
        .withMinReplicas(autoscaling.getMinReplicas() == null ? 1 : autoscaling.getMinReplicas())
        .withMaxReplicas(autoscaling.getMaxReplicas())
        .withMetrics(metric(autoscaling))
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

  private MetricSpec metric(Autoscaling autoscaling) {
    if (autoscaling.getTargetInFlight() != null) {
      return new MetricSpecBuilder()
          .withType("Pods")
          .withNewPods()
          .withNewMetric()
          .withName(config.runner().inFlightMetric())
          .endMetric()
          .withNewTarget()
          .withType("AverageValue")
          .withAverageValue(new Quantity(String.valueOf(autoscaling.getTargetInFlight())))
          .endTarget()
          .endPods()
          .build();
    }
    return new MetricSpecBuilder()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(autoscaling.getTargetCPUUtilization())
        .endTarget()
        .endResource()
        .build();
  }
}
