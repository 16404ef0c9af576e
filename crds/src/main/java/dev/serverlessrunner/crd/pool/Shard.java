package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/** One PostgreSQL shard, its connection settings kept in a Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Shard {
  @Required
  @JsonPropertyDescription(
      "Secret in the pool's namespace whose key url holds the shard's connection URI,"
          + " postgresql://user:password@host:5432/db.")
  private LocalObjectReference secretRef;

  public Shard() {}

  public Shard(String secretName) {
    this.secretRef = new LocalObjectReference(secretName);
  }

  public LocalObjectReference getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(LocalObjectReference secretRef) {
    this.secretRef = secretRef;
  }
}
