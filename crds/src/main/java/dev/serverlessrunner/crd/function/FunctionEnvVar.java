package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One environment variable handed to the guest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionEnvVar {
  @Required
  @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
  @JsonPropertyDescription("Variable name.")
  private String name;

  @JsonPropertyDescription("Variable value; empty when omitted.")
  private String value;

  public FunctionEnvVar() {}

  public FunctionEnvVar(String name, String value) {
    this.name = name;
    this.value = value;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}
