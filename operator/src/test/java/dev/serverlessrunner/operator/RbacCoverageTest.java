package dev.serverlessrunner.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.pool.RunnerPoolReconciler;
import dev.serverlessrunner.operator.pool.RunnerRoleDependent;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written ClusterRole in deploy/operator/rbac.yaml grants what the reconcilers use. */
class RbacCoverageTest {
  /** Informer plus server-side apply (a "patch" that creates needs "create" too). */
  private static final List<String> OWNED_VERBS =
      List.of("get", "list", "watch", "create", "patch");

  private static ClusterRole clusterRole() throws IOException {
    Path rbac =
        Path.of(System.getProperty("serverlessrunner.deployDir", "../deploy"))
            .resolve("operator/rbac.yaml");
    try (InputStream in = Files.newInputStream(rbac)) {
      // A multi-document YAML file parses into a list of resources.
      List<?> items = Serialization.unmarshal(in);
      return items.stream()
          .filter(ClusterRole.class::isInstance)
          .map(ClusterRole.class::cast)
          .findFirst()
          .orElseThrow();
    }
  }

  private static boolean grants(
      List<PolicyRule> rules, String group, String resource, String verb) {
    return rules.stream()
        .anyMatch(
            r ->
                r.getApiGroups().contains(group)
                    && r.getResources().contains(resource)
                    && r.getVerbs().contains(verb));
  }

  private static void assertGranted(
      List<PolicyRule> rules,
      Class<? extends HasMetadata> type,
      String subresource,
      List<String> verbs) {
    String group = HasMetadata.getGroup(type) == null ? "" : HasMetadata.getGroup(type);
    String resource = HasMetadata.getPlural(type) + subresource;
    for (String verb : verbs) {
      assertThat(grants(rules, group, resource, verb))
          .as("ClusterRole grants %s on %s in group '%s'", verb, resource, group)
          .isTrue();
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends HasMetadata> resourceType(Class<?> dependent) {
    return (Class<? extends HasMetadata>)
        ((ParameterizedType) dependent.getGenericSuperclass()).getActualTypeArguments()[0];
  }

  @Test
  void everyPoolDependentCanBeFullyManaged() throws IOException {
    List<PolicyRule> rules = clusterRole().getRules();
    Dependent[] dependents = RunnerPoolReconciler.class.getAnnotation(Workflow.class).dependents();

    assertThat(dependents).hasSizeGreaterThanOrEqualTo(10);
    for (Dependent dependent : dependents) {
      assertGranted(rules, resourceType(dependent.type()), "", OWNED_VERBS);
      // JOSDK deletes a dependent whose reconcile precondition stops holding (the autoscalers).
      if (dependent.reconcilePrecondition() != Condition.class) {
        assertGranted(rules, resourceType(dependent.type()), "", List.of("delete"));
      }
    }
  }

  @Test
  void primariesAreWatchedAndTheirStatusPatched() throws IOException {
    List<PolicyRule> rules = clusterRole().getRules();

    for (Class<? extends HasMetadata> primary : List.of(RunnerPool.class, WasmFunction.class)) {
      assertGranted(rules, primary, "", List.of("get", "list", "watch"));
      assertGranted(rules, primary, "/status", List.of("patch"));
    }
  }

  @Test
  void functionSourcesAndEventsAreCovered() throws IOException {
    List<PolicyRule> rules = clusterRole().getRules();

    assertGranted(rules, ConfigMap.class, "", List.of("get", "list", "watch"));
    assertGranted(rules, Secret.class, "", List.of("get"));
    assertGranted(rules, Event.class, "", List.of("create"));
  }

  @Test
  void operatorHoldsEveryRightItGrantsTheRunners() throws IOException {
    List<PolicyRule> rules = clusterRole().getRules();
    List<WasmFunction> functions =
        List.of(
            TestFunctions.fromConfigMap("ns", "a", "pool", "module"),
            TestFunctions.fromOci("ns", "b", "pool", "ghcr.io/team/b:1", "login"));
    for (PolicyRule runnerRule : RunnerRoleDependent.rules(functions)) {
      for (String group : runnerRule.getApiGroups()) {
        for (String resource : runnerRule.getResources()) {
          for (String verb : runnerRule.getVerbs()) {
            assertThat(grants(rules, group, resource, verb))
                .as("operator holds %s on %s, which the runner Role grants", verb, resource)
                .isTrue();
          }
        }
      }
    }
  }

  @Test
  void noWildcards() throws IOException {
    assertThat(clusterRole().getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getVerbs()).doesNotContain("*");
              assertThat(r.getResources()).doesNotContain("*");
              assertThat(r.getApiGroups()).doesNotContain("*");
            });
  }
}
