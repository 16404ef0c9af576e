package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A module stored under one {@code binaryData} key of a ConfigMap. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigMapSource {
  @Required
  @JsonPropertyDescription("Name of the ConfigMap, in the WasmFunction's namespace.")
  private String name;

  @Required
  @JsonPropertyDescription(
      "Key under binaryData holding the module bytes, e.g. the file name given to"
          + " kubectl create configmap --from-file.")
  private String key;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
