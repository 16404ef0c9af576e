package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestFunctions;
import dev.serverlessrunner.operator.TestPools;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** desired() of the Service, PDB, ServiceAccount, Role and RoleBinding. */
class RunnerSmallDependentsTest {
  private final RunnerPool pool = TestPools.fixed("team-a", "web", 2);

  @Test
  void serviceForwardsPort80ToTheRunnerHttpPortOfThePoolsPods() {
    Service service = new RunnerServiceDependent().desired(pool, null);

    assertThat(service.getMetadata().getName()).isEqualTo("web-runner");
    assertThat(service.getSpec().getSelector()).isEqualTo(PoolNames.selectorLabels(pool));
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort()).isEqualTo(80);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
  }

  @Test
  void pdbLetsOnePodGoAtATime() {
    PodDisruptionBudget pdb = new RunnerPdbDependent().desired(pool, null);

    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getMinAvailable()).isNull();
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(PoolNames.selectorLabels(pool));
  }

  @Test
  void serviceAccountIsNamedForThePool() {
    assertThat(new RunnerServiceAccountDependent().desired(pool, null).getMetadata().getName())
        .isEqualTo("web-runner");
  }

  private static final List<WasmFunction> FUNCTIONS =
      List.of(
          TestFunctions.fromConfigMap("team-a", "hello", "web", "hello-module"),
          TestFunctions.fromConfigMap("team-a", "again", "web", "hello-module"),
          TestFunctions.fromConfigMap("team-a", "fib", "web", "fib-module"),
          TestFunctions.fromOci("team-a", "remote", "web", "ghcr.io/team/remote:1", "ghcr-login"),
          TestFunctions.fromOci("team-a", "public", "web", "ghcr.io/team/public:1", null));

  @Test
  void roleIsReadOnlyButForPodStatus() {
    Role role = RunnerRoleDependent.desired(pool, FUNCTIONS);

    // The one write: a runner keeps its ShardsAvailable condition on its own pod's status.
    assertThat(role.getRules())
        .filteredOn(r -> !r.getResources().equals(List.of("pods/status")))
        .flatExtracting(PolicyRule::getVerbs)
        .allMatch(v -> v.equals("get") || v.equals("list") || v.equals("watch"));
  }

  @Test
  void roleNamesExactlyTheConfigMapsAndPullSecretsOfThePoolsFunctions() {
    Role role = RunnerRoleDependent.desired(pool, FUNCTIONS);

    assertThat(role.getRules())
        .filteredOn(r -> r.getResources().contains("configmaps"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getVerbs()).containsExactly("get");
              assertThat(r.getResourceNames()).containsExactly("fib-module", "hello-module");
            });
    assertThat(role.getRules())
        .filteredOn(r -> r.getResources().contains("secrets"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getVerbs()).containsExactly("get");
              assertThat(r.getResourceNames()).containsExactly("ghcr-login");
            });
  }

  @Test
  void onlyWasmFunctionsMayBeListedOrWatched() {
    Role role = RunnerRoleDependent.desired(pool, FUNCTIONS);

    assertThat(role.getRules())
        .filteredOn(r -> r.getVerbs().contains("list") || r.getVerbs().contains("watch"))
        .singleElement()
        .satisfies(r -> assertThat(r.getResources()).containsExactly("wasmfunctions"));
    assertThat(role.getRules())
        .flatExtracting(PolicyRule::getResources)
        .doesNotContain("runnerpools");
  }

  @Test
  void poolWithoutFunctionsMayReadNoConfigMapOrSecret() {
    // Empty resourceNames would mean "every object of the namespace": the rule must be absent.
    Role role = RunnerRoleDependent.desired(pool, List.of());

    assertThat(role.getRules())
        .flatExtracting(PolicyRule::getResources)
        .containsExactlyInAnyOrder("wasmfunctions", "pods", "pods/status");
  }

  @Test
  void runnersMayReadPodsAndPatchOnlyPodStatus() {
    Role role = RunnerRoleDependent.desired(pool, List.of());

    assertThat(role.getRules())
        .filteredOn(r -> r.getResources().contains("pods"))
        .singleElement()
        .satisfies(r -> assertThat(r.getVerbs()).containsExactly("get"));
    assertThat(role.getRules())
        .filteredOn(r -> r.getResources().contains("pods/status"))
        .singleElement()
        .satisfies(r -> assertThat(r.getVerbs()).containsExactly("patch"));
  }

  @Test
  void shardSecretsAreNotGrantedBecauseTheKubeletReadsThem() {
    RunnerPool withShards = TestPools.withShards(TestPools.fixed("team-a", "web", 2), "pg-0");

    assertThat(RunnerRoleDependent.desired(withShards, FUNCTIONS).getRules())
        .filteredOn(r -> r.getResources().contains("secrets"))
        .flatExtracting(PolicyRule::getResourceNames)
        .containsExactly("ghcr-login");
  }

  @Test
  void roleBindingGrantsTheRoleToTheServiceAccount() {
    RoleBinding binding = new RunnerRoleBindingDependent().desired(pool, null);

    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo("web-runner");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("web-runner");
              assertThat(s.getNamespace()).isEqualTo("team-a");
            });
  }

  @Test
  void everyChildCarriesTheManagedByLabelItsInformerSelects() {
    assertThat(new RunnerServiceDependent().desired(pool, null).getMetadata().getLabels())
        .containsEntry(PoolNames.MANAGED_BY, PoolNames.OPERATOR);
    assertThat(RunnerRoleDependent.desired(pool, List.of()).getMetadata().getLabels())
        .containsEntry(PoolNames.MANAGED_BY, PoolNames.OPERATOR);
  }
}
