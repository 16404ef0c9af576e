package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every RunnerPool and WasmFunction under deploy/ fits the CRDs committed in deploy/crds/: their
 * structural schema and their CEL rules.
 */
class CustomResourceSchemaTest {

  private static final CrdSchemas CRDS = CrdSchemas.load();

  static Stream<Manifest> customResources() {
    return Manifests.under(ProjectFiles.deploy()).stream()
        .filter(m -> m.apiVersion().startsWith("serverlessrunner.dev/"));
  }

  @ParameterizedTest
  @MethodSource("customResources")
  void kindAndVersionAreServedByACrd(Manifest m) {
    assertThat(CRDS.defines(m.apiVersion(), m.kind())).as(m.toString()).isTrue();
  }

  @ParameterizedTest
  @MethodSource("customResources")
  void resourceValidatesAgainstItsCrdSchema(Manifest m) {
    var schema = CRDS.schema(m.apiVersion(), m.kind()).orElseThrow();

    assertThat(StructuralValidator.validate(schema, m.tree())).as(m.toString()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("customResources")
  void resourceKeepsItsCrdsCelRules(Manifest m) {
    var schema = CRDS.schema(m.apiVersion(), m.kind()).orElseThrow();

    assertThat(CelRules.violations(schema, m.tree())).as(m.toString()).isEmpty();
  }

  @Test
  void fixedPoolScaledToZeroFitsTheCrd() {
    ObjectNode pool = fixedPoolWithReplicas(0);
    var schema = CRDS.schema(pool.path("apiVersion").asText(), "RunnerPool").orElseThrow();

    assertThat(StructuralValidator.validate(schema, pool)).isEmpty();
    assertThat(CelRules.violations(schema, pool)).isEmpty();
  }

  @Test
  void negativeReplicasAreRefused() {
    ObjectNode pool = fixedPoolWithReplicas(-1);
    var schema = CRDS.schema(pool.path("apiVersion").asText(), "RunnerPool").orElseThrow();

    assertThat(StructuralValidator.validate(schema, pool))
        .singleElement()
        .asString()
        .startsWith(".spec.replicas: -1 is below the minimum 0");
  }

  /** The fixed-size sample pool as {@code kubectl scale --replicas=n} leaves it. */
  private static ObjectNode fixedPoolWithReplicas(int replicas) {
    ObjectNode pool =
        (ObjectNode)
            Manifests.read(ProjectFiles.resolve("deploy/samples/runnerpool-fixed.yaml"))
                .get(0)
                .tree()
                .deepCopy();
    ((ObjectNode) pool.path("spec")).put("replicas", replicas);
    return pool;
  }
}
