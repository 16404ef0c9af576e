package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs refuse function limits and pool ceilings above the hard maxima (memory 4Gi, fuel 10^12,
 * timeout 15m, 64 MiB of stdout or request body) and accept every value up to them, in every form a
 * quantity or duration may take: structural schema and CEL rules, evaluated as the API server does.
 */
class LimitMaximaTest {

  private static final CrdSchemas CRDS = CrdSchemas.load();

  private static ObjectNode sample(String file) {
    return (ObjectNode)
        Manifests.read(ProjectFiles.resolve("deploy/samples/" + file)).get(0).tree().deepCopy();
  }

  private static List<String> violations(ObjectNode resource) {
    JsonNode schema =
        CRDS.schema(resource.path("apiVersion").asText(), resource.path("kind").asText())
            .orElseThrow();
    List<String> all = new ArrayList<>(StructuralValidator.validate(schema, resource));
    all.addAll(CelRules.violations(schema, resource));
    return all;
  }

  private static ObjectNode functionLimits() {
    return sample("wasmfunction-oci.yaml");
  }

  private static ObjectNode limitsOf(ObjectNode fn) {
    return (ObjectNode) fn.path("spec").path("limits");
  }

  private static ObjectNode poolWithCeilings() {
    ObjectNode pool = sample("runnerpool-fixed.yaml");
    ((ObjectNode) pool.path("spec")).putObject("functionLimits").putObject("max");
    return pool;
  }

  private static ObjectNode ceilingsOf(ObjectNode pool) {
    return (ObjectNode) pool.path("spec").path("functionLimits").path("max");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4Gi", "4096Mi", "4194304Ki", "4294967296", "4.2G", "3.5Gi", "64Mi"})
  void functionMemoryUpTo4GiIsAccepted(String memory) {
    ObjectNode fn = functionLimits();
    limitsOf(fn).put("memory", memory);

    assertThat(violations(fn)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"5Gi", "4097Mi", "4.5Gi", "1Ti", "4294967297", "4.3G", "0.01T"})
  void functionMemoryAbove4GiIsRefused(String memory) {
    ObjectNode fn = functionLimits();
    limitsOf(fn).put("memory", memory);

    assertThat(violations(fn)).containsExactly(".spec.limits.memory: memory must be at most 4Gi");
  }

  @ParameterizedTest
  @ValueSource(strings = {"15m", "14m59s", "900s", "0.25h", "250ms", "1m30s"})
  void functionTimeoutUpTo15mIsAccepted(String timeout) {
    ObjectNode fn = functionLimits();
    limitsOf(fn).put("timeout", timeout);

    assertThat(violations(fn)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"16m", "15m1s", "901s", "1h", "0.3h"})
  void functionTimeoutAbove15mIsRefused(String timeout) {
    ObjectNode fn = functionLimits();
    limitsOf(fn).put("timeout", timeout);

    assertThat(violations(fn)).containsExactly(".spec.limits.timeout: timeout must be at most 15m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fuel", "maxStdoutBytes", "maxRequestBytes"})
  void functionCountsAtTheirMaximumAreAccepted(String field) {
    ObjectNode fn = functionLimits();
    limitsOf(fn).put(field, field.equals("fuel") ? 1_000_000_000_000L : 64L << 20);

    assertThat(violations(fn)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"fuel", "maxStdoutBytes", "maxRequestBytes"})
  void functionCountsAboveTheirMaximumAreRefused(String field) {
    ObjectNode fn = functionLimits();
    limitsOf(fn).put(field, field.equals("fuel") ? 1_000_000_000_001L : (64L << 20) + 1);

    assertThat(violations(fn))
        .singleElement()
        .asString()
        .startsWith(".spec.limits." + field + ": ")
        .contains("above the maximum");
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory=8Gi", "timeout=1h", "fuel=2000000000000"})
  void poolCeilingAboveTheMaximumIsRefused(String setting) {
    ObjectNode pool = poolWithCeilings();
    String[] kv = setting.split("=");
    if (kv[0].equals("fuel")) {
      ceilingsOf(pool).put(kv[0], Long.parseLong(kv[1]));
    } else {
      ceilingsOf(pool).put(kv[0], kv[1]);
    }

    assertThat(violations(pool))
        .singleElement()
        .asString()
        .startsWith(".spec.functionLimits.max." + kv[0] + ": ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory=4Gi", "memory=512Mi", "timeout=15m", "timeout=2m"})
  void poolCeilingUpToTheMaximumIsAccepted(String setting) {
    ObjectNode pool = poolWithCeilings();
    String[] kv = setting.split("=");
    ceilingsOf(pool).put(kv[0], kv[1]);

    assertThat(violations(pool)).isEmpty();
  }
}
