package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.CrdGroup;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;

/**
 * Read-only rights of the runners in the pool's namespace: their functions, the pool, module
 * ConfigMaps, and registry pull Secrets (get only, by name).
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerRoleDependent extends CRUDKubernetesDependentResource<Role, RunnerPool> {

  public RunnerRoleDependent() {
    super(Role.class);
  }

  @Override
  protected Role desired(RunnerPool pool, Context<RunnerPool> context) {
    return new RoleBuilder().withMetadata(PoolNames.childMetadata(pool)).withRules(rules()).build();
  }

  /** The rules of every pool's runner Role; the operator must hold each of them itself. */
  public static List<PolicyRule> rules() {
    return List.of(
        new PolicyRuleBuilder()
            .withApiGroups(CrdGroup.GROUP)
            .withResources("wasmfunctions", "runnerpools")
            .withVerbs("get", "list", "watch")
            .build(),
        new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("configmaps")
            .withVerbs("get", "list", "watch")
            .build(),
        new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("secrets")
            .withVerbs("get")
            .build());
  }
}
