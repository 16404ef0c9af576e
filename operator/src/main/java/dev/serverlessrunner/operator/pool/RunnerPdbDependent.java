package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Lets voluntary disruptions (node drains) take one runner pod at a time; maxUnavailable rather
 * than minAvailable so a one-replica pool never blocks a drain.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerPdbDependent
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, RunnerPool> {

  public RunnerPdbDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(RunnerPool pool, Context<RunnerPool> context) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(PoolNames.childMetadata(pool))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(PoolNames.selectorLabels(pool))
        .endSelector()
        .endSpec()
        .build();
  }
}
