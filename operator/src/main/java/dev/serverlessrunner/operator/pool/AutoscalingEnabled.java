package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Reconcile precondition of the HPA: the pool asks for autoscaling. A precondition rather than an
 * activation condition, because only an unmet precondition makes JOSDK delete an existing HPA.
 */
public class AutoscalingEnabled implements Condition<HorizontalPodAutoscaler, RunnerPool> {

  @Override
  public boolean isMet(
      DependentResource<HorizontalPodAutoscaler, RunnerPool> dependent,
      RunnerPool pool,
      Context<RunnerPool> context) {
    return isAutoscaled(pool);
  }

  /** Whether an HPA, not spec.replicas, decides the pool's size. */
  public static boolean isAutoscaled(RunnerPool pool) {
    return pool.getSpec() != null && pool.getSpec().getAutoscaling() != null;
  }
}
