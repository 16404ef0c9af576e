package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** HorizontalPodAutoscaler settings of a pool; exactly one target. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.targetCPUUtilization) != has(self.targetInFlight)",
    message = "set exactly one of targetCPUUtilization or targetInFlight")
@ValidationRule(
    value = "!has(self.minReplicas) || self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas")
public class Autoscaling {
  @Default("1")
  @Min(1)
  @JsonPropertyDescription("Fewest runner pods.")
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
      "Target average number of in-flight invocations per runner pod (a Pods metric; needs a"
          + " custom metrics adapter serving the runner's in-flight gauge).")
  private Integer targetInFlight;

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
}
