package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Reconcile precondition of an autoscaler dependent: the pool's {@link ScalingPlan} chose it. A
 * precondition rather than an activation condition, because only an unmet precondition makes JOSDK
 * delete the object, e.g. the HPA of a pool that stops autoscaling or moves to KEDA.
 */
public class ScalerChosen<R> implements Condition<R, RunnerPool> {

  @Override
  public boolean isMet(
      DependentResource<R, RunnerPool> dependent, RunnerPool pool, Context<RunnerPool> context) {
    PoolScaler scaler = (PoolScaler) dependent;
    return scaler.autoscalers().plan(pool).scaler() == scaler.scaler();
  }
}
