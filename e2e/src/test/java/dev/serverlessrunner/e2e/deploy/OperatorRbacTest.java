package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator's ClusterRole is exactly the set of rights deploy/README.md justifies, each resource
 * explained there; a new right has to be argued for in both places.
 */
class OperatorRbacTest {

  private static final Set<String> OWNED = Set.of("get", "list", "watch", "create", "patch");
  private static final Set<String> READ = Set.of("get", "list", "watch");

  /** "group/resource" to its verbs, as deploy/README.md's Security table lists them. */
  private static final Map<String, Set<String>> JUSTIFIED =
      Map.ofEntries(
          Map.entry("serverlessrunner.dev/runnerpools", READ),
          Map.entry("serverlessrunner.dev/wasmfunctions", READ),
          Map.entry("serverlessrunner.dev/runnerpools/status", Set.of("patch")),
          Map.entry("serverlessrunner.dev/wasmfunctions/status", Set.of("patch")),
          Map.entry("apps/deployments", OWNED),
          Map.entry("/services", OWNED),
          Map.entry("/serviceaccounts", OWNED),
          Map.entry("rbac.authorization.k8s.io/roles", OWNED),
          Map.entry("rbac.authorization.k8s.io/rolebindings", OWNED),
          Map.entry("policy/poddisruptionbudgets", OWNED),
          Map.entry("networking.k8s.io/networkpolicies", OWNED),
          Map.entry(
              "autoscaling/horizontalpodautoscalers",
              Set.of("get", "list", "watch", "create", "patch", "delete")),
          Map.entry(
              "keda.sh/scaledobjects", Set.of("get", "list", "watch", "create", "patch", "delete")),
          Map.entry(
              "http.keda.sh/httpscaledobjects",
              Set.of("get", "list", "watch", "create", "patch", "delete")),
          Map.entry("/configmaps", READ),
          Map.entry("/secrets", Set.of("get")),
          Map.entry("/pods", READ),
          Map.entry("/pods/status", Set.of("patch")),
          Map.entry("/events", Set.of("create", "patch")));

  private static ClusterRole clusterRole() {
    return Manifests.read(ProjectFiles.resolve("deploy/operator/rbac.yaml")).stream()
        .filter(m -> m.is("ClusterRole"))
        .findFirst()
        .orElseThrow()
        .as(ClusterRole.class);
  }

  /** The ClusterRole's rules flattened to "group/resource" and the union of its verbs. */
  private static Map<String, Set<String>> granted() {
    Map<String, Set<String>> granted = new TreeMap<>();
    for (PolicyRule rule : clusterRole().getRules()) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          granted
              .computeIfAbsent(group + "/" + resource, k -> new TreeSet<>())
              .addAll(rule.getVerbs());
        }
      }
    }
    return granted;
  }

  @Test
  void clusterRoleGrantsExactlyTheJustifiedRights() {
    assertThat(granted()).isEqualTo(new TreeMap<>(JUSTIFIED));
  }

  @Test
  void noRuleIsRestrictedByNameOrCoversNonResourceUrls() {
    // Such rules would be rights outside the table above.
    assertThat(clusterRole().getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getResourceNames()).isNullOrEmpty();
              assertThat(r.getNonResourceURLs()).isNullOrEmpty();
            });
  }

  @Test
  void everyGrantedResourceIsExplainedInTheSecuritySection() throws IOException {
    String readme = Files.readString(ProjectFiles.resolve("deploy/README.md"));
    int start = readme.indexOf("## Security");
    assertThat(start).as("deploy/README.md has a Security section").isNotNegative();
    String security = readme.substring(start, readme.indexOf("\n## ", start + 1));

    for (String key : granted().keySet()) {
      String resource = key.substring(key.indexOf('/') + 1);
      assertThat(security)
          .as("deploy/README.md Security explains %s", resource)
          .contains("`" + resource + "`");
    }
  }

  @Test
  void theOperatorIsNeverGrantedRightsThatBypassRbac() {
    List<String> dangerous = List.of("*", "update", "escalate", "bind", "impersonate");
    assertThat(clusterRole().getRules())
        .flatExtracting(PolicyRule::getVerbs)
        .doesNotContainAnyElementsOf(dangerous);
  }
}
