package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.CrdGroup;
import dev.serverlessrunner.crd.function.ModuleSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Read-only rights of the runners in the pool's namespace: list and watch WasmFunctions, and get
 * exactly the module ConfigMaps and registry pull Secrets the pool's functions name, kept current
 * as functions come and go. Shard Secrets are not granted: the kubelet, not the runner, reads them
 * into the pod's environment.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerRoleDependent extends CRUDKubernetesDependentResource<Role, RunnerPool> {

  public RunnerRoleDependent() {
    super(Role.class);
  }

  @Override
  protected Role desired(RunnerPool pool, Context<RunnerPool> context) {
    return desired(pool, PoolFunctions.of(pool, context));
  }

  /**
   * Exact comparison of the rules: the generic matcher accepts an actual Role holding more than
   * desired (a server may add fields), so a name dropped from a rule would stay granted.
   */
  @Override
  public Result<Role> match(Role actual, RunnerPool pool, Context<RunnerPool> context) {
    Role desired = desired(pool, context);
    boolean labelsKept =
        actual.getMetadata().getLabels() != null
            && actual
                .getMetadata()
                .getLabels()
                .entrySet()
                .containsAll(desired.getMetadata().getLabels().entrySet());
    return Result.computed(
        labelsKept && normalized(actual.getRules()).equals(normalized(desired.getRules())),
        desired);
  }

  private static List<List<List<String>>> normalized(List<PolicyRule> rules) {
    return rules == null
        ? List.of()
        : rules.stream()
            .map(
                r ->
                    List.of(
                        orEmpty(r.getApiGroups()),
                        orEmpty(r.getResources()),
                        orEmpty(r.getResourceNames()),
                        orEmpty(r.getVerbs()),
                        orEmpty(r.getNonResourceURLs())))
            .toList();
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }

  /** The Role for the pool whose functions are {@code functions}. */
  static Role desired(RunnerPool pool, Collection<WasmFunction> functions) {
    return new RoleBuilder()
        .withMetadata(PoolNames.childMetadata(pool))
        .withRules(rules(functions))
        .build();
  }

  /**
   * The rules granting the runners what {@code functions} need; the operator must hold each of them
   * itself. A rule without names is left out rather than written with empty {@code resourceNames},
   * which Kubernetes reads as "every object".
   */
  public static List<PolicyRule> rules(Collection<WasmFunction> functions) {
    TreeSet<String> configMaps = new TreeSet<>();
    TreeSet<String> secrets = new TreeSet<>();
    for (WasmFunction fn : functions) {
      ModuleSource source = fn.getSpec() == null ? null : fn.getSpec().getSource();
      if (source == null) {
        continue;
      }
      if (source.getConfigMap() != null && nonBlank(source.getConfigMap().getName())) {
        configMaps.add(source.getConfigMap().getName());
      }
      if (source.getOci() != null
          && source.getOci().getPullSecretRef() != null
          && nonBlank(source.getOci().getPullSecretRef().getName())) {
        secrets.add(source.getOci().getPullSecretRef().getName());
      }
    }
    List<PolicyRule> rules = new ArrayList<>();
    // The runner's function informer: WasmFunctions cannot be selected by spec.pool on the server.
    rules.add(
        new PolicyRuleBuilder()
            .withApiGroups(CrdGroup.GROUP)
            .withResources("wasmfunctions")
            .withVerbs("get", "list", "watch")
            .build());
    // A runner keeps the ShardsAvailable condition on its own pod: it reads pods, and may patch
    // pod status only, never a pod's spec or labels. (Pod names are not known when the Role is.)
    rules.add(
        new PolicyRuleBuilder().withApiGroups("").withResources("pods").withVerbs("get").build());
    rules.add(
        new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("pods/status")
            .withVerbs("patch")
            .build());
    if (!configMaps.isEmpty()) {
      rules.add(namedGet("configmaps", configMaps));
    }
    if (!secrets.isEmpty()) {
      rules.add(namedGet("secrets", secrets));
    }
    return rules;
  }

  private static PolicyRule namedGet(String resource, Collection<String> names) {
    return new PolicyRuleBuilder()
        .withApiGroups("")
        .withResources(resource)
        .withResourceNames(List.copyOf(names))
        .withVerbs("get")
        .build();
  }

  private static boolean nonBlank(String s) {
    return Objects.nonNull(s) && !s.isBlank();
  }
}
