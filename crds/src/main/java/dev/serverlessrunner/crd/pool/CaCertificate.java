package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the CA certificate that signed the shards' server certificates is kept. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.secretKeyRef) != has(self.configMapKeyRef)",
    message = "set exactly one of secretKeyRef or configMapKeyRef")
public class CaCertificate {
  @JsonPropertyDescription("A key of a Secret in the pool's namespace holding the CA (PEM).")
  private KeyRef secretKeyRef;

  @JsonPropertyDescription("A key of a ConfigMap in the pool's namespace holding the CA (PEM).")
  private KeyRef configMapKeyRef;

  public KeyRef getSecretKeyRef() {
    return secretKeyRef;
  }

  public void setSecretKeyRef(KeyRef secretKeyRef) {
    this.secretKeyRef = secretKeyRef;
  }

  public KeyRef getConfigMapKeyRef() {
    return configMapKeyRef;
  }

  public void setConfigMapKeyRef(KeyRef configMapKeyRef) {
    this.configMapKeyRef = configMapKeyRef;
  }
}
