package dev.serverlessrunner.runner.source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.serverlessrunner.crd.function.Abi;
import dev.serverlessrunner.crd.function.Durability;
import dev.serverlessrunner.crd.function.Quantities;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A function's own settings, the same shape as a WasmFunction's spec. Limits left unset fall back
 * to the runner's defaults.
 */
public record FunctionConfig(
    LimitOverrides limits,
    Map<String, String> env,
    List<String> args,
    Abi abi,
    Durability durability,
    FunctionAuth auth) {

  private static final FunctionConfig DEFAULTS =
      new FunctionConfig(
          LimitOverrides.NONE,
          Map.of(),
          List.of(),
          Abi.RAW,
          Durability.ASYNC,
          FunctionAuth.DEFAULT);

  @JsonCreator
  public FunctionConfig(
      @JsonProperty("limits") LimitOverrides limits,
      @JsonProperty("env") Map<String, String> env,
      @JsonProperty("args") List<String> args,
      @JsonProperty("abi") Abi abi,
      @JsonProperty("durability") Durability durability,
      @JsonProperty("auth") FunctionAuth auth) {
    this.limits = limits == null ? LimitOverrides.NONE : limits;
    this.env = env == null ? Map.of() : Map.copyOf(env);
    this.args = args == null ? List.of() : List.copyOf(args);
    this.abi = abi == null ? Abi.RAW : abi;
    this.durability = durability == null ? Durability.ASYNC : durability;
    this.auth = auth == null ? FunctionAuth.DEFAULT : auth;
  }

  /** The same settings with the default {@link FunctionAuth}. */
  public FunctionConfig(
      LimitOverrides limits,
      Map<String, String> env,
      List<String> args,
      Abi abi,
      Durability durability) {
    this(limits, env, args, abi, durability, null);
  }

  /** Every setting at its default. */
  public static FunctionConfig defaults() {
    return DEFAULTS;
  }

  /** Per-function limits; {@code null} means "the runner's default". */
  public record LimitOverrides(
      Long memoryBytes, Long fuel, Duration timeout, Long maxStdoutBytes, Long maxRequestBytes) {

    public static final LimitOverrides NONE = new LimitOverrides(null, null, null, null, null);

    /** Reads the YAML form: quantities such as {@code 32Mi} and durations such as {@code 2s}. */
    @JsonCreator
    public static LimitOverrides parse(
        @JsonProperty("memory") String memory,
        @JsonProperty("fuel") Long fuel,
        @JsonProperty("timeout") String timeout,
        @JsonProperty("maxStdoutBytes") String maxStdoutBytes,
        @JsonProperty("maxRequestBytes") String maxRequestBytes) {
      if (fuel != null && fuel <= 0) {
        throw new IllegalArgumentException("limits.fuel must be positive, not " + fuel);
      }
      return new LimitOverrides(
          memory == null ? null : Quantities.parseBytes("limits.memory", memory),
          fuel,
          timeout == null ? null : Quantities.parseDuration("limits.timeout", timeout),
          maxStdoutBytes == null
              ? null
              : Quantities.parseBytes("limits.maxStdoutBytes", maxStdoutBytes),
          maxRequestBytes == null
              ? null
              : Quantities.parseBytes("limits.maxRequestBytes", maxRequestBytes));
    }
  }
}
