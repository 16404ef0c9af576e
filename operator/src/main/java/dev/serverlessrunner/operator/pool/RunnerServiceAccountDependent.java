package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The identity the pool's runner pods use to read their functions. */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerServiceAccountDependent
    extends CRUDKubernetesDependentResource<ServiceAccount, RunnerPool> {

  public RunnerServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(RunnerPool pool, Context<RunnerPool> context) {
    return new ServiceAccountBuilder().withMetadata(PoolNames.childMetadata(pool)).build();
  }
}
