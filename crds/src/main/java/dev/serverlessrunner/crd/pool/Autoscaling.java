package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * How a pool scales: on CPU through a HorizontalPodAutoscaler, on in-flight requests through KEDA,
 * to zero through KEDA's HTTP add-on (operator/README.md, RunnerPool).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.targetCPUUtilization) || has(self.targetInFlight)",
    message = "set targetCPUUtilization, targetInFlight or both")
@ValidationRule(
    value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas")
@ValidationRule(
    value =
        "!has(self.minReplicas) || self.minReplicas > 0"
            + " || (has(self.targetInFlight) && !has(self.targetCPUUtilization))",
    message =
        "minReplicas 0 scales to zero on requests through KEDA's HTTP add-on: it needs"
            + " targetInFlight and no targetCPUUtilization")
@ValidationRule(
    value = "!has(self.hosts) || (has(self.minReplicas) && self.minReplicas == 0)",
    message = "hosts route requests through KEDA's HTTP add-on, which only minReplicas 0 uses")
public class Autoscaling {
  @Default("1")
  @Min(0)
  @JsonPropertyDescription(
      "Fewest runner pods. 0 scales the pool to zero when idle: it needs targetInFlight (and no"
          + " targetCPUUtilization) and KEDA's HTTP add-on, whose interceptor holds requests while"
          + " a runner starts; callers then reach the pool through the interceptor, not the"
          + " pool's Service (deploy/README.md, Scale to zero).")
  private Integer minReplicas;

  @Required
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Most runner pods (1 to 1000).")
  private Integer maxReplicas;

  @Min(1)
  @Max(1000)
  @JsonPropertyDescription(
      "Target average CPU utilisation in percent of the runner container's CPU request.")
  private Integer targetCPUUtilization;

  @Min(1)
  @JsonPropertyDescription(
      "Target number of in-flight invocations (running or queued) per runner pod, like Knative's"
          + " target concurrency. Scaled by KEDA: a ScaledObject on the runners' in-flight gauge"
          + " in Prometheus, or with minReplicas 0 an HTTPScaledObject of KEDA's HTTP add-on."
          + " Without KEDA the pool keeps minReplicas runner pods and its Autoscaling condition"
          + " says what to install. With targetCPUUtilization too, the larger of the two wins.")
  private Integer targetInFlight;

  @Size(max = 16)
  @JsonPropertyDescription(
      "With minReplicas 0: the Host header values KEDA's HTTP add-on routes to this pool."
          + " Defaults to the pool Service's name, <pool>-runner.<namespace>.svc.")
  private List<String> hosts;

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Integer getTargetCPUUtilization() {
    return targetCPUUtilization;
  }

  public void setTargetCPUUtilization(Integer targetCPUUtilization) {
    this.targetCPUUtilization = targetCPUUtilization;
  }

  public Integer getTargetInFlight() {
    return targetInFlight;
  }

  public void setTargetInFlight(Integer targetInFlight) {
    this.targetInFlight = targetInFlight;
  }

  public List<String> getHosts() {
    return hosts;
  }

  public void setHosts(List<String> hosts) {
    this.hosts = hosts;
  }
}
