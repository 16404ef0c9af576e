package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CRDs' CEL rules are evaluated, and each one catches what it is written for. */
class CelRulesTest {

  private static final CrdSchemas CRDS = CrdSchemas.load();

  private static ObjectNode sample(String file) {
    return (ObjectNode)
        Manifests.read(ProjectFiles.resolve("deploy/samples/" + file)).get(0).tree().deepCopy();
  }

  private static JsonNode schema(ObjectNode resource) {
    return CRDS.schema(resource.path("apiVersion").asText(), resource.path("kind").asText())
        .orElseThrow();
  }

  private static List<String> violations(ObjectNode resource) {
    return CelRules.violations(schema(resource), resource);
  }

  @Test
  void crdsDeclareRulesToEvaluate() {
    assertThat(CelRules.count(schema(sample("runnerpool-fixed.yaml")))).isPositive();
    assertThat(CelRules.count(schema(sample("wasmfunction-oci.yaml")))).isPositive();
  }

  @Test
  void functionWithBothSourcesBreaksTheOneSourceRule() {
    ObjectNode fn = sample("wasmfunction-oci.yaml");
    ((ObjectNode) fn.path("spec").path("source"))
        .putObject("configMap")
        .put("name", "m")
        .put("key", "m.wasm");

    assertThat(violations(fn))
        .containsExactly(".spec.source: exactly one of source.configMap or source.oci must be set");
  }

  @Test
  void poolWithReplicasAndAutoscalingBreaksTheEitherRule() {
    ObjectNode pool = sample("runnerpool-autoscaled.yaml");
    ((ObjectNode) pool.path("spec")).put("replicas", 3);

    assertThat(violations(pool))
        .singleElement()
        .asString()
        .startsWith(".spec: set either replicas or autoscaling");
  }

  @Test
  void minReplicasAboveMaxBreaksTheOrderRule() {
    ObjectNode pool = sample("runnerpool-autoscaled.yaml");
    ((ObjectNode) pool.path("spec").path("autoscaling")).put("minReplicas", 40);

    assertThat(violations(pool))
        .containsExactly(".spec.autoscaling: minReplicas must not exceed maxReplicas");
  }

  @Test
  void scaleToZeroSampleKeepsTheAutoscalingRules() {
    assertThat(violations(sample("runnerpool-scale-to-zero.yaml"))).isEmpty();
  }

  @Test
  void scaleToZeroOnCpuBreaksTheScaleToZeroRule() {
    ObjectNode pool = sample("runnerpool-scale-to-zero.yaml");
    ((ObjectNode) pool.path("spec").path("autoscaling")).put("targetCPUUtilization", 70);

    assertThat(violations(pool))
        .singleElement()
        .asString()
        .startsWith(".spec.autoscaling: minReplicas 0 scales to zero on requests");
  }

  @Test
  void autoscalingWithoutATargetBreaksTheTargetRule() {
    ObjectNode pool = sample("runnerpool-autoscaled.yaml");
    ((ObjectNode) pool.path("spec").path("autoscaling")).remove("targetCPUUtilization");

    assertThat(violations(pool))
        .containsExactly(".spec.autoscaling: set targetCPUUtilization, targetInFlight or both");
  }

  @Test
  void hostsWithoutScaleToZeroBreakTheHostsRule() {
    ObjectNode pool = sample("runnerpool-scale-to-zero.yaml");
    ObjectNode autoscaling = (ObjectNode) pool.path("spec").path("autoscaling");
    autoscaling.put("minReplicas", 1);
    autoscaling.putArray("hosts").add("functions.example.com");

    assertThat(violations(pool))
        .singleElement()
        .asString()
        .startsWith(".spec.autoscaling: hosts route requests through KEDA's HTTP add-on");
  }
}
