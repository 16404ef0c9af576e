package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Activation condition of a KEDA dependent: the cluster serves its API. Until then JOSDK registers
 * no informer for it (one on an API that is not served would fail) and renders nothing.
 */
public class KedaApiServed<R> implements Condition<R, RunnerPool> {

  @Override
  public boolean isMet(
      DependentResource<R, RunnerPool> dependent, RunnerPool pool, Context<RunnerPool> context) {
    PoolScaler scaler = (PoolScaler) dependent;
    return scaler.autoscalers().served().serves(scaler.scaler());
  }
}
