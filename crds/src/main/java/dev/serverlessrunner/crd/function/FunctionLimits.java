package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Per-invocation limits enforced by the runner's sandbox. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionLimits {
  /** Kubernetes quantity with a binary or decimal suffix, e.g. 64Mi, 1Gi, 500M. */
  static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$";

  /** Go-style duration made of number+unit parts, e.g. 10s, 1m30s, 250ms. */
  static final String DURATION = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

  @Default("64Mi")
  @Pattern(QUANTITY)
  @JsonPropertyDescription(
      "Cap on the guest's linear memory, as a Kubernetes quantity (e.g. 64Mi). Growing past it"
          + " fails the invocation with HTTP 500.")
  private String memory;

  @Default("100000000")
  @Min(1)
  @JsonPropertyDescription(
      "Deterministic instruction budget per invocation. Exhausting it answers HTTP 504"
          + " 'Execution timed out' with reason fuel.")
  private Long fuel;

  @Default("10s")
  @Pattern(DURATION)
  @JsonPropertyDescription(
      "Wall-clock deadline per invocation, as a duration (e.g. 10s, 1m30s, 250ms). Exceeding it"
          + " answers HTTP 504 with reason timeout.")
  private String timeout;

  @Default("1048576")
  @Min(0)
  @JsonPropertyDescription("Bytes of stdout kept per invocation; output past it is cut off.")
  private Long maxStdoutBytes;

  @Default("1048576")
  @Min(0)
  @JsonPropertyDescription("Largest accepted request body in bytes; larger bodies get HTTP 413.")
  private Long maxRequestBytes;

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }

  public Long getFuel() {
    return fuel;
  }

  public void setFuel(Long fuel) {
    this.fuel = fuel;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public Long getMaxStdoutBytes() {
    return maxStdoutBytes;
  }

  public void setMaxStdoutBytes(Long maxStdoutBytes) {
    this.maxStdoutBytes = maxStdoutBytes;
  }

  public Long getMaxRequestBytes() {
    return maxRequestBytes;
  }

  public void setMaxRequestBytes(Long maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }
}
