package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.guests.Guests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kustomization under deploy/ renders with {@code kubectl kustomize} (skipped, with the
 * reason, where there is no kubectl), and the rendered dev overlay is what a cluster should
 * receive.
 */
class KustomizeRenderTest {

  private static final Set<String> CLUSTER_SCOPED =
      Set.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding");

  private static final String NO_KUBECTL =
      "no kubectl (env KUBECTL or on the PATH): kustomizations under deploy/ not rendered";

  private static final Optional<Path> KUBECTL = Kubectl.find();

  @BeforeAll
  static void sayWhyWhenSkipped() {
    if (KUBECTL.isEmpty()) {
      // Surefire keeps assumption messages in its reports only; say it where people look.
      System.out.println("KustomizeRenderTest skipped: " + NO_KUBECTL);
    }
  }

  @BeforeEach
  void requireKubectl() {
    assumeTrue(KUBECTL.isPresent(), NO_KUBECTL);
  }

  static Stream<Path> kustomizations() {
    return ProjectFiles.kustomizations().stream();
  }

  private static List<Manifest> render(Path dir) {
    return Manifests.parse(dir, Kubectl.kustomize(KUBECTL.orElseThrow(), dir));
  }

  private static List<Manifest> dev() {
    return render(ProjectFiles.resolve("deploy/overlays/dev"));
  }

  @ParameterizedTest
  @MethodSource("kustomizations")
  void kustomizationRendersObjects(Path dir) {
    assertThat(render(dir)).as(ProjectFiles.relative(dir)).isNotEmpty();
  }

  @Test
  void devOverlayConfigMapHoldsTheGreeterBinaryTheFunctionNames() {
    List<Manifest> rendered = dev();
    var source =
        rendered.stream()
            .filter(m -> m.is("WasmFunction") && m.name().equals("greeter"))
            .findFirst()
            .orElseThrow()
            .as(WasmFunction.class)
            .getSpec()
            .getSource()
            .getConfigMap();
    ConfigMap configMap =
        rendered.stream()
            .filter(m -> m.is("ConfigMap") && m.name().equals(source.getName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no rendered ConfigMap " + source.getName()))
            .as(ConfigMap.class);

    // The operator reads modules from binaryData only.
    assertThat(configMap.getData()).isNullOrEmpty();
    assertThat(Base64.getMimeDecoder().decode(configMap.getBinaryData().get(source.getKey())))
        .isEqualTo(Guests.bytes("greeter"));
  }

  @Test
  void devOverlayNamespacesEveryNamespacedObject() {
    assertThat(dev())
        .filteredOn(m -> !CLUSTER_SCOPED.contains(m.kind()))
        .allSatisfy(m -> assertThat(m.namespace()).as(m.toString()).isNotEmpty());
  }

  @Test
  void devOverlayKeepsTheOperatorInItsNamespaceAndTheWorkloadsInTheDevNamespace() {
    assertThat(dev())
        .filteredOn(m -> !CLUSTER_SCOPED.contains(m.kind()))
        .allSatisfy(
            m ->
                assertThat(m.namespace())
                    .as(m.toString())
                    .isEqualTo(
                        m.name().startsWith("serverlessrunner-operator")
                            ? "serverlessrunner-system"
                            : DevOverlay.NAMESPACE));
  }

  @Test
  void namespacedOverlayGrantsTheOperatorsRightsOnlyInTheNamespacesItWatches() {
    List<Manifest> rendered = render(ProjectFiles.resolve("deploy/overlays/namespaced"));
    Deployment operator =
        rendered.stream()
            .filter(m -> m.is("Deployment"))
            .findFirst()
            .orElseThrow()
            .as(Deployment.class);
    List<String> watched =
        operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getName().equals("QUARKUS_OPERATOR_SDK_NAMESPACES"))
            .flatMap(e -> Stream.of(e.getValue().split(",")))
            .map(String::trim)
            .toList();

    assertThat(watched).isNotEmpty();
    assertThat(rendered).noneMatch(m -> m.is("ClusterRoleBinding"));
    assertThat(rendered.stream().filter(m -> m.is("RoleBinding")).map(Manifest::namespace))
        .containsExactlyInAnyOrderElementsOf(watched);
    assertThat(rendered.stream().filter(m -> m.is("Namespace")).map(Manifest::name))
        .containsAll(watched);
  }

  @Test
  void devOverlayBindsTheOperatorRoleToTheOperatorsServiceAccount() {
    List<Manifest> rendered = dev();
    Manifest account =
        rendered.stream().filter(m -> m.is("ServiceAccount")).findFirst().orElseThrow();
    ClusterRoleBinding binding =
        rendered.stream()
            .filter(m -> m.is("ClusterRoleBinding"))
            .findFirst()
            .orElseThrow()
            .as(ClusterRoleBinding.class);

    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo(account.name());
              assertThat(s.getNamespace()).isEqualTo(account.namespace());
            });
  }

  @Test
  void devOverlayCustomResourcesValidateAfterRendering() {
    CrdSchemas crds = CrdSchemas.load();

    assertThat(dev())
        .filteredOn(m -> m.apiVersion().startsWith("serverlessrunner.dev/"))
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(
                        StructuralValidator.validate(
                            crds.schema(m.apiVersion(), m.kind()).orElseThrow(), m.tree()))
                    .as(m.toString())
                    .isEmpty());
  }
}
