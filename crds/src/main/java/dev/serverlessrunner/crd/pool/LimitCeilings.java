package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.serverlessrunner.crd.function.FunctionLimits;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The largest limits a pool lets its functions ask for. The runner's heap check sizes every runner
 * pod for these (each execution thread running a guest at the ceiling), so raising them needs more
 * memory per pod (deploy/README.md, Limits).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LimitCeilings {
  /** Default ceiling of a function's memory. */
  public static final String DEFAULT_MEMORY = "128Mi";

  /** Default ceiling of a function's fuel: 100 times the default budget. */
  public static final long DEFAULT_FUEL = 10_000_000_000L;

  /** Default ceiling of a function's timeout. */
  public static final String DEFAULT_TIMEOUT = "60s";

  /** Default ceiling of a function's maxStdoutBytes (4 MiB). */
  public static final long DEFAULT_MAX_STDOUT_BYTES = 4L << 20;

  /** Default ceiling of a function's maxRequestBytes (1 MiB, the function default). */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1L << 20;

  @Default(DEFAULT_MEMORY)
  @Pattern(FunctionLimits.QUANTITY)
  @Size(max = 32)
  @ValidationRule(
      value = FunctionLimits.MEMORY_AT_MOST_MAX,
      message = "memory must be at most " + FunctionLimits.MAX_MEMORY)
  @JsonPropertyDescription(
      "Largest spec.limits.memory a function of this pool may set, as a quantity; at most 4Gi.")
  private String memory;

  @Default("10000000000")
  @Min(1)
  @Max(1e12)
  @JsonPropertyDescription(
      "Largest spec.limits.fuel a function of this pool may set; at most 10^12.")
  private Long fuel;

  @Default(DEFAULT_TIMEOUT)
  @Pattern(FunctionLimits.DURATION)
  @Size(max = 32)
  @ValidationRule(
      value = FunctionLimits.TIMEOUT_AT_MOST_MAX,
      message = "timeout must be at most " + FunctionLimits.MAX_TIMEOUT)
  @JsonPropertyDescription(
      "Longest spec.limits.timeout a function of this pool may set, as a duration; at most 15m.")
  private String timeout;

  @Default("4194304")
  @Min(0)
  @Max(67108864)
  @JsonPropertyDescription(
      "Largest spec.limits.maxStdoutBytes a function of this pool may set; at most 64 MiB.")
  private Long maxStdoutBytes;

  @Default("1048576")
  @Min(0)
  @Max(67108864)
  @JsonPropertyDescription(
      "Largest spec.limits.maxRequestBytes a function of this pool may set; at most 64 MiB.")
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
