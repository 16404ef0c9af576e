package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of a {@link WasmFunction}, written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WasmFunctionStatus {
  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "sha256:<hex> digest of the module bytes (for OCI sources: the Wasm layer digest, not the"
          + " manifest digest). Runners verify the module against it.")
  private String digest;

  @JsonPropertyDescription("Size of the module in bytes, when known.")
  private Long sizeBytes;

  @JsonPropertyDescription("Ready replicas of the pool that serve this function.")
  private Integer readyReplicas;

  @JsonPropertyDescription(
      "Conditions: SourceResolved (module found and verified) and Ready (resolved and its pool"
          + " exists), each with a reason a user can act on.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public Long getSizeBytes() {
    return sizeBytes;
  }

  public void setSizeBytes(Long sizeBytes) {
    this.sizeBytes = sizeBytes;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WasmFunctionStatus that
        && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(digest, that.digest)
        && Objects.equals(sizeBytes, that.sizeBytes)
        && Objects.equals(readyReplicas, that.readyReplicas)
        && Objects.equals(conditions, that.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, digest, sizeBytes, readyReplicas, conditions);
  }
}
