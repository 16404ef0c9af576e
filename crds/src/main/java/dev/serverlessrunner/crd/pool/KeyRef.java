package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret or ConfigMap in the pool's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyRef {
  @Required
  @JsonPropertyDescription("Name of the Secret or ConfigMap.")
  private String name;

  @Default("ca.crt")
  @Pattern("^[-._a-zA-Z0-9]+$")
  @JsonPropertyDescription("The key holding the PEM certificate; default ca.crt (cert-manager's).")
  private String key;

  public KeyRef() {}

  public KeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }

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
