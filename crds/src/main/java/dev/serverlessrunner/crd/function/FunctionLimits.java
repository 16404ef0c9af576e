package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Per-invocation limits enforced by the runner's sandbox. Each has a hard maximum in the CRD (the
 * {@code MAX_*} constants) and must also fit its pool's {@code spec.functionLimits.max}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionLimits {
  /** Kubernetes quantity with a binary or decimal suffix, e.g. 64Mi, 1Gi, 500M. */
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$";

  /** Go-style duration made of number+unit parts, e.g. 10s, 1m30s, 250ms. */
  public static final String DURATION = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

  /** Memory of a function that sets none. */
  public static final String DEFAULT_MEMORY = "64Mi";

  /** Fuel of a function that sets none. */
  public static final long DEFAULT_FUEL = 100_000_000L;

  /** Timeout of a function that sets none. */
  public static final String DEFAULT_TIMEOUT = "10s";

  /** maxStdoutBytes of a function that sets none (1 MiB). */
  public static final long DEFAULT_MAX_STDOUT_BYTES = 1L << 20;

  /** maxRequestBytes of a function that sets none (1 MiB). */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 1L << 20;

  /**
   * Most linear memory a function may have: 4Gi, all that a 32-bit Wasm module can address (65,536
   * pages of 64 KiB), which is also the engine's ceiling.
   */
  public static final String MAX_MEMORY = "4Gi";

  /** {@link #MAX_MEMORY} in bytes. */
  public static final long MAX_MEMORY_BYTES = 4L << 30;

  /**
   * Most fuel: 10^12 instructions, about what one core executes in {@link #MAX_TIMEOUT}; a budget
   * beyond what the wall clock allows would only hide the timeout.
   */
  public static final long MAX_FUEL = 1_000_000_000_000L;

  /** Longest wall-clock timeout: an HTTP request held open longer is not a function call. */
  public static final String MAX_TIMEOUT = "15m";

  /** Most stdout kept per invocation: 64 MiB, held in the heap until the response is sent. */
  public static final long MAX_STDOUT_BYTES = 64L << 20;

  /** Largest request body a function may accept: 64 MiB, held in the heap while it runs. */
  public static final long MAX_REQUEST_BYTES = 64L << 20;

  /**
   * CEL: the quantity {@code self} in bytes, as a double. Standard CEL plus the strings extension
   * (substring), which every Kubernetes version with CRD validation rules (1.25+) has; the
   * quantity() library would need 1.28+.
   */
  static final String QUANTITY_BYTES =
      "double(self.substring(0, self.size() - (self.matches('[KMGT]i$') ? 2"
          + " : self.matches('[kMGT]$') ? 1 : 0)))"
          + " * (self.endsWith('Ki') ? 1024.0 : self.endsWith('Mi') ? 1048576.0"
          + " : self.endsWith('Gi') ? 1073741824.0 : self.endsWith('Ti') ? 1099511627776.0"
          + " : self.endsWith('k') ? 1e3 : self.endsWith('M') ? 1e6 : self.endsWith('G') ? 1e9"
          + " : self.endsWith('T') ? 1e12 : 1.0)";

  /** CEL: {@code self} is not a quantity (the pattern reports that) or at most 4Gi. */
  public static final String MEMORY_AT_MOST_MAX =
      "!self.matches('^[0-9]+([.][0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$') || "
          + QUANTITY_BYTES
          + " <= 4294967296.0";

  /** CEL: {@code self} is not a duration (the pattern reports that) or at most 15m. */
  public static final String TIMEOUT_AT_MOST_MAX =
      "!self.matches('^([0-9]+([.][0-9]+)?(ms|s|m|h))+$') || duration(self) <= duration('15m')";

  @Default(DEFAULT_MEMORY)
  @Pattern(QUANTITY)
  @Size(max = 32)
  @ValidationRule(value = MEMORY_AT_MOST_MAX, message = "memory must be at most " + MAX_MEMORY)
  @JsonPropertyDescription(
      "Cap on the guest's linear memory, as a Kubernetes quantity (e.g. 64Mi); at most 4Gi (all a"
          + " 32-bit Wasm module can address) and at most the pool's spec.functionLimits.max.memory."
          + " Growing past it fails the invocation with HTTP 500.")
  private String memory;

  @Default("100000000")
  @Min(1)
  @Max(1e12)
  @JsonPropertyDescription(
      "Deterministic instruction budget per invocation, 1 to 10^12 and at most the pool's"
          + " spec.functionLimits.max.fuel. Exhausting it answers HTTP 504 'Execution timed out'"
          + " with reason fuel.")
  private Long fuel;

  @Default(DEFAULT_TIMEOUT)
  @Pattern(DURATION)
  @Size(max = 32)
  @ValidationRule(value = TIMEOUT_AT_MOST_MAX, message = "timeout must be at most " + MAX_TIMEOUT)
  @JsonPropertyDescription(
      "Wall-clock deadline per invocation, as a duration (e.g. 10s, 1m30s, 250ms); at most 15m and"
          + " at most the pool's spec.functionLimits.max.timeout. Time the guest sleeps (WASI"
          + " poll_oneoff) counts. Exceeding it answers HTTP 504 with reason timeout.")
  private String timeout;

  @Default("1048576")
  @Min(0)
  @Max(67108864)
  @JsonPropertyDescription(
      "Bytes of stdout kept per invocation, at most 64 MiB (67108864) and at most the pool's"
          + " spec.functionLimits.max.maxStdoutBytes; output past it is cut off.")
  private Long maxStdoutBytes;

  @Default("1048576")
  @Min(0)
  @Max(67108864)
  @JsonPropertyDescription(
      "Largest accepted request body in bytes, at most 64 MiB (67108864) and at most the pool's"
          + " spec.functionLimits.max.maxRequestBytes; larger bodies get HTTP 413.")
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
