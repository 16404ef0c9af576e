package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Grants the runner Role to the pool's ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerRoleBindingDependent
    extends CRUDKubernetesDependentResource<RoleBinding, RunnerPool> {

  public RunnerRoleBindingDependent() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding desired(RunnerPool pool, Context<RunnerPool> context) {
    String name = PoolNames.childName(pool);
    return new RoleBindingBuilder()
        .withMetadata(PoolNames.childMetadata(pool))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(name)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name)
        .withNamespace(pool.getMetadata().getNamespace())
        .endSubject()
        .build();
  }
}
