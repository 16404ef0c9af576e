package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** ClusterIP Service on port 80 in front of the pool's ready runner pods. */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerServiceDependent extends CRUDKubernetesDependentResource<Service, RunnerPool> {

  /** Port of the Service; forwards to the runner's http port. */
  public static final int SERVICE_PORT = 80;

  public RunnerServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(RunnerPool pool, Context<RunnerPool> context) {
    return new ServiceBuilder()
        .withMetadata(PoolNames.childMetadata(pool))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(PoolNames.selectorLabels(pool))
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(SERVICE_PORT)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }
}
