package dev.serverlessrunner.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.pool.ResponseHeaders;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults, validation rules and subresources the generated CRDs must carry. */
class CrdSchemaTest {

  static CustomResourceDefinitionVersion version(String file) throws IOException {
    CustomResourceDefinition crd =
        Serialization.unmarshal(CrdDriftTest.generated(file), CustomResourceDefinition.class);
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    return crd.getSpec().getVersions().get(0);
  }

  static JSONSchemaProps spec(CustomResourceDefinitionVersion v) {
    return v.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  @Test
  void functionLimitsDefaultToTheDesignValues() throws IOException {
    JSONSchemaProps limits =
        spec(version("wasmfunctions.serverlessrunner.dev-v1.yml")).getProperties().get("limits");

    assertThat(limits.getProperties().get("memory").getDefault().asText()).isEqualTo("64Mi");
    assertThat(limits.getProperties().get("fuel").getDefault().asLong()).isEqualTo(100_000_000L);
    assertThat(limits.getProperties().get("maxStdoutBytes").getDefault().asLong())
        .isEqualTo(1_048_576L);
  }

  @Test
  void functionLimitsHaveHardMaxima() throws IOException {
    JSONSchemaProps limits =
        spec(version("wasmfunctions.serverlessrunner.dev-v1.yml")).getProperties().get("limits");

    assertThat(limits.getProperties().get("fuel").getMaximum()).isEqualTo(1e12);
    assertThat(limits.getProperties().get("maxStdoutBytes").getMaximum())
        .isEqualTo(64.0 * 1024 * 1024);
    assertThat(limits.getProperties().get("maxRequestBytes").getMaximum())
        .isEqualTo(64.0 * 1024 * 1024);
    assertThat(limits.getProperties().get("memory").getXKubernetesValidations())
        .extracting(r -> r.getMessage())
        .containsExactly("memory must be at most 4Gi");
    assertThat(limits.getProperties().get("timeout").getXKubernetesValidations())
        .extracting(r -> r.getMessage())
        .containsExactly("timeout must be at most 15m");
  }

  @Test
  void poolFunctionLimitCeilingsDefaultEvenWhenOmitted() throws IOException {
    JSONSchemaProps functionLimits =
        spec(version("runnerpools.serverlessrunner.dev-v1.yml"))
            .getProperties()
            .get("functionLimits");
    JSONSchemaProps max = functionLimits.getProperties().get("max");

    // default {} on both objects makes the API server fill in every ceiling of a pool without them.
    assertThat(functionLimits.getDefault().isEmpty()).isTrue();
    assertThat(max.getDefault().isEmpty()).isTrue();
    assertThat(max.getProperties().get("memory").getDefault().asText()).isEqualTo("128Mi");
    assertThat(max.getProperties().get("fuel").getDefault().asLong()).isEqualTo(10_000_000_000L);
    assertThat(max.getProperties().get("timeout").getDefault().asText()).isEqualTo("60s");
    assertThat(max.getProperties().get("maxStdoutBytes").getDefault().asLong()).isEqualTo(4L << 20);
    assertThat(max.getProperties().get("maxRequestBytes").getDefault().asLong())
        .isEqualTo(1L << 20);
  }

  @Test
  void functionSourceRequiresExactlyOneOfConfigMapOrOci() throws IOException {
    CustomResourceDefinitionVersion v = version("wasmfunctions.serverlessrunner.dev-v1.yml");
    JSONSchemaProps source = spec(v).getProperties().get("source");

    assertThat(spec(v).getRequired()).contains("source", "pool");
    assertThat(source.getXKubernetesValidations())
        .extracting(r -> r.getRule())
        .containsExactly("has(self.configMap) != has(self.oci)");
  }

  @Test
  void functionAbiIsAnEnumDefaultingToRaw() throws IOException {
    JSONSchemaProps abi =
        spec(version("wasmfunctions.serverlessrunner.dev-v1.yml")).getProperties().get("abi");

    assertThat(abi.getEnum()).extracting(n -> n.asText()).containsExactlyInAnyOrder("raw", "cgi");
    assertThat(abi.getDefault().asText()).isEqualTo("raw");
  }

  @Test
  void poolHasScaleAndStatusSubresources() throws IOException {
    CustomResourceDefinitionVersion v = version("runnerpools.serverlessrunner.dev-v1.yml");

    assertThat(v.getSubresources().getStatus()).isNotNull();
    assertThat(v.getSubresources().getScale().getSpecReplicasPath()).isEqualTo(".spec.replicas");
    assertThat(v.getSubresources().getScale().getStatusReplicasPath())
        .isEqualTo(".status.replicas");
    assertThat(v.getSubresources().getScale().getLabelSelectorPath()).isEqualTo(".status.selector");
  }

  @Test
  void poolAutoscalingAllowsThirtyTwoReplicasAndNeedsATarget() throws IOException {
    JSONSchemaProps autoscaling =
        spec(version("runnerpools.serverlessrunner.dev-v1.yml")).getProperties().get("autoscaling");

    assertThat(autoscaling.getProperties().get("maxReplicas").getMaximum()).isGreaterThan(32);
    assertThat(autoscaling.getXKubernetesValidations())
        .extracting(r -> r.getRule())
        .contains("has(self.targetCPUUtilization) || has(self.targetInFlight)");
  }

  @Test
  void poolAutoscalingMayScaleToZero() throws IOException {
    JSONSchemaProps autoscaling =
        spec(version("runnerpools.serverlessrunner.dev-v1.yml")).getProperties().get("autoscaling");

    assertThat(autoscaling.getProperties().get("minReplicas").getMinimum()).isZero();
    assertThat(autoscaling.getProperties().get("hosts").getMaxItems()).isEqualTo(16L);
  }

  @Test
  void poolResponseHeaderEntriesMustBeHeaderNames() throws IOException {
    JSONSchemaProps headers =
        spec(version("runnerpools.serverlessrunner.dev-v1.yml"))
            .getProperties()
            .get("responseHeaders");

    assertThat(headers.getXKubernetesValidations())
        .extracting(r -> r.getRule())
        .containsExactlyInAnyOrder(
            "!has(self.deny) || self.deny.all(h, h.matches(\"" + ResponseHeaders.ENTRY + "\"))",
            "!has(self.allow) || self.allow.all(h, h.matches(\"" + ResponseHeaders.ENTRY + "\"))");
    java.util.regex.Pattern entry = java.util.regex.Pattern.compile(ResponseHeaders.ENTRY);
    assertThat(List.of("Set-Cookie", "Access-Control-Allow-*", "*", "x_custom.1"))
        .allMatch(e -> entry.matcher(e).matches());
    assertThat(List.of("Set Cookie", "X-*-Y", "", "Set-Cookie:", "**"))
        .noneMatch(e -> entry.matcher(e).matches());
  }

  @Test
  void poolShardCaNamesExactlyOneSecretOrConfigMapKey() throws IOException {
    JSONSchemaProps ca =
        spec(version("runnerpools.serverlessrunner.dev-v1.yml"))
            .getProperties()
            .get("persistence")
            .getProperties()
            .get("caCertificate");

    assertThat(ca.getXKubernetesValidations())
        .extracting(r -> r.getRule())
        .containsExactly("has(self.secretKeyRef) != has(self.configMapKeyRef)");
    assertThat(
            ca.getProperties().get("secretKeyRef").getProperties().get("key").getDefault().asText())
        .isEqualTo("ca.crt");
  }

  @Test
  void poolShowsItsAuthModeInKubectlGet() throws IOException {
    assertThat(version("runnerpools.serverlessrunner.dev-v1.yml").getAdditionalPrinterColumns())
        .anySatisfy(
            c -> {
              assertThat(c.getName()).isEqualTo("Auth");
              assertThat(c.getJsonPath()).isEqualTo(".status.authMode");
            });
  }

  @Test
  void everySpecFieldIsDocumented() throws IOException {
    for (String file : CrdDriftTest.CRD_FILES) {
      assertDocumented(file + " spec", spec(version(file)));
    }
  }

  private static void assertDocumented(String path, JSONSchemaProps props) {
    if (props.getProperties() == null) {
      return;
    }
    props
        .getProperties()
        .forEach(
            (name, child) -> {
              assertThat(child.getDescription())
                  .as("description of %s.%s", path, name)
                  .isNotBlank();
              // Kubernetes' own types (ResourceRequirements, LocalObjectReference) are documented
              // by kubectl explain for those types; their inner fields carry no descriptions.
              if (!name.equals("resources") && !name.endsWith("Ref")) {
                assertDocumented(path + "." + name, child);
                if (child.getItems() != null && child.getItems().getSchema() != null) {
                  assertDocumented(path + "." + name + "[]", child.getItems().getSchema());
                }
              }
            });
  }
}
