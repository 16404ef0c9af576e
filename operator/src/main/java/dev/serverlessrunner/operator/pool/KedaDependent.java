package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A KEDA object of a pool ({@link ScaledObject}, {@link HttpScaledObject}: no maintained typed
 * model of KEDA's CRDs exists for Fabric8, so the spec is a map). Created, updated, deleted when
 * the pool's plan stops choosing it, and owned by the pool.
 */
abstract class KedaDependent<R extends GenericKubernetesResource>
    extends CRUDKubernetesDependentResource<R, RunnerPool> implements PoolScaler {

  private final Supplier<R> factory;

  @Inject Autoscalers autoscalers;

  KedaDependent(Class<R> type, Supplier<R> factory) {
    super(type);
    this.factory = factory;
  }

  @Override
  public Autoscalers autoscalers() {
    return autoscalers;
  }

  /** The spec of the pool's object. */
  protected abstract Map<String, Object> spec(RunnerPool pool);

  @Override
  protected R desired(RunnerPool pool, Context<RunnerPool> context) {
    R resource = factory.get();
    resource.setApiVersion(HasMetadata.getApiVersion(resourceType()));
    resource.setKind(HasMetadata.getKind(resourceType()));
    resource.setMetadata(PoolNames.childMetadata(pool));
    resource.setAdditionalProperty("spec", spec(pool));
    return resource;
  }

  /**
   * The object's identity without computing desired(), which needs spec.autoscaling: JOSDK asks for
   * it to find the object to delete once the pool no longer uses it.
   */
  @Override
  protected ResourceID targetSecondaryResourceID(RunnerPool pool, Context<RunnerPool> context) {
    return new ResourceID(PoolNames.childName(pool), pool.getMetadata().getNamespace());
  }
}
