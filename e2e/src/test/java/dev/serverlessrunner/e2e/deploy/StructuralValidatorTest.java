package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema check catches each kind of mistake, on broken copies of the samples. */
class StructuralValidatorTest {

  private static final CrdSchemas CRDS = CrdSchemas.load();

  private static ObjectNode sample(String file) {
    return (ObjectNode)
        Manifests.read(ProjectFiles.resolve("deploy/samples/" + file)).get(0).tree().deepCopy();
  }

  private static List<String> violations(ObjectNode resource) {
    JsonNode schema =
        CRDS.schema(resource.path("apiVersion").asText(), resource.path("kind").asText())
            .orElseThrow();
    return StructuralValidator.validate(schema, resource);
  }

  private static ObjectNode spec(ObjectNode resource) {
    return (ObjectNode) resource.path("spec");
  }

  @Test
  void untouchedSampleHasNoViolation() {
    assertThat(violations(sample("wasmfunction-oci.yaml"))).isEmpty();
  }

  @Test
  void missingRequiredFieldIsReported() {
    ObjectNode fn = sample("wasmfunction-configmap.yaml");
    spec(fn).remove("pool");

    assertThat(violations(fn)).containsExactly(".spec.pool: required");
  }

  @Test
  void missingNestedRequiredFieldIsReported() {
    ObjectNode fn = sample("wasmfunction-configmap.yaml");
    ((ObjectNode) fn.path("spec").path("source").path("configMap")).remove("key");

    assertThat(violations(fn)).containsExactly(".spec.source.configMap.key: required");
  }

  @Test
  void valueOutsideTheEnumIsReported() {
    ObjectNode fn = sample("wasmfunction-oci.yaml");
    spec(fn).put("abi", "grpc");

    assertThat(violations(fn))
        .singleElement()
        .asString()
        .startsWith(".spec.abi: \"grpc\" is not one of");
  }

  @Test
  void misspeltFieldIsReportedAsUnknown() {
    ObjectNode fn = sample("wasmfunction-configmap.yaml");
    spec(fn).set("sorce", spec(fn).remove("source"));

    assertThat(violations(fn))
        .containsExactlyInAnyOrder(".spec.sorce: unknown field", ".spec.source: required");
  }

  @Test
  void wrongTypeIsReported() {
    ObjectNode pool = sample("runnerpool-fixed.yaml");
    spec(pool).put("replicas", "two");

    assertThat(violations(pool)).containsExactly(".spec.replicas: must be integer, was STRING");
  }

  @Test
  void stringNotMatchingThePatternIsReported() {
    ObjectNode fn = sample("wasmfunction-oci.yaml");
    ((ObjectNode) fn.path("spec").path("limits")).put("memory", "32MB");

    assertThat(violations(fn))
        .singleElement()
        .asString()
        .startsWith(".spec.limits.memory: '32MB' does not match");
  }

  @Test
  void numberBelowTheMinimumIsReported() {
    ObjectNode pool = sample("runnerpool-autoscaled.yaml");
    ((ObjectNode) pool.path("spec").path("autoscaling")).put("maxReplicas", 0);

    assertThat(violations(pool))
        .containsExactly(".spec.autoscaling.maxReplicas: 0 is below the minimum 1.0");
  }

  @Test
  void tooFewItemsAreReported() {
    ObjectNode pool = sample("runnerpool-fixed.yaml");
    ((ObjectNode) pool.path("spec").path("persistence")).set("shards", pool.arrayNode());

    assertThat(violations(pool))
        .containsExactly(".spec.persistence.shards: needs at least 1 items");
  }

  @Test
  void resourceQuantityAcceptsIntegerOrStringOnly() {
    ObjectNode pool = sample("runnerpool-fixed.yaml");
    ObjectNode requests = (ObjectNode) pool.path("spec").path("resources").path("requests");
    requests.put("cpu", 2);
    ArrayNode list = requests.putArray("memory");
    list.add("512Mi");

    assertThat(violations(pool))
        .containsExactly(
            ".spec.resources.requests.memory: must be an integer or a string, was ARRAY");
  }
}
