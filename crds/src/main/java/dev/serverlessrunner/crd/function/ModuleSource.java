package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * {@code spec.source}: where a function's module bytes live, a ConfigMap key or an OCI artifact.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.configMap) != has(self.oci)",
    message = "exactly one of source.configMap or source.oci must be set")
public class ModuleSource {
  @JsonPropertyDescription("The module is a binaryData key of a ConfigMap in the same namespace.")
  private ConfigMapSource configMap;

  @JsonPropertyDescription("The module is an OCI artifact in a container registry.")
  private OciSource oci;

  public ConfigMapSource getConfigMap() {
    return configMap;
  }

  public void setConfigMap(ConfigMapSource configMap) {
    this.configMap = configMap;
  }

  public OciSource getOci() {
    return oci;
  }

  public void setOci(OciSource oci) {
    this.oci = oci;
  }
}
