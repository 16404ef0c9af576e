package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of a {@link RunnerPool}, written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunnerPoolStatus {
  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  private Long observedGeneration;

  @StatusReplicas
  @JsonPropertyDescription("Runner pods that exist (from the runner Deployment).")
  private Integer replicas;

  @JsonPropertyDescription("Runner pods that pass their readiness probe.")
  private Integer readyReplicas;

  @JsonPropertyDescription("WasmFunctions naming this pool whose Ready condition is True.")
  private Integer functionsReady;

  @JsonPropertyDescription(
      "Invocation authentication in force on the runners: none, api-key or jwt (spec.auth.mode).")
  private String authMode;

  @LabelSelector
  @JsonPropertyDescription("Label selector of the runner pods, for the scale subresource.")
  private String selector;

  @JsonPropertyDescription(
      "Conditions: Available (all wanted runner pods ready), Ready, Degraded and"
          + " AuthenticationEnabled (False with reason NoAuthentication when spec.auth.mode is"
          + " none), with reasons.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Integer getFunctionsReady() {
    return functionsReady;
  }

  public void setFunctionsReady(Integer functionsReady) {
    this.functionsReady = functionsReady;
  }

  public String getAuthMode() {
    return authMode;
  }

  public void setAuthMode(String authMode) {
    this.authMode = authMode;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunnerPoolStatus that
        && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(replicas, that.replicas)
        && Objects.equals(readyReplicas, that.readyReplicas)
        && Objects.equals(functionsReady, that.functionsReady)
        && Objects.equals(authMode, that.authMode)
        && Objects.equals(selector, that.selector)
        && Objects.equals(conditions, that.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        replicas,
        readyReplicas,
        functionsReady,
        authMode,
        selector,
        conditions);
  }
}
