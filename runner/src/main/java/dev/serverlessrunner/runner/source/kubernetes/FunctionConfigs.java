package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.crd.function.FunctionEnvVar;
import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.crd.function.Quantities;
import dev.serverlessrunner.crd.function.WasmFunctionSpec;
import dev.serverlessrunner.runner.source.FunctionAuth;
import dev.serverlessrunner.runner.source.FunctionConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps a WasmFunction's spec to the runner's {@link FunctionConfig}; pure. */
final class FunctionConfigs {

  private FunctionConfigs() {}

  /**
   * The settings of {@code spec}. The API server validates and defaults the spec, but this does not
   * rely on it (the CRD may be older than the runner): a bad value throws {@link
   * IllegalArgumentException} naming the field.
   */
  static FunctionConfig fromSpec(WasmFunctionSpec spec) {
    return new FunctionConfig(
        limits(spec.getLimits()),
        env(spec.getEnv()),
        spec.getArgs(),
        spec.getAbi(),
        spec.getDurability(),
        auth(spec.getAuth()));
  }

  private static FunctionAuth auth(dev.serverlessrunner.crd.function.FunctionAuth auth) {
    return auth == null
        ? FunctionAuth.DEFAULT
        : FunctionAuth.of(auth.getPublic(), auth.getRequiredScopes(), auth.getRequiredRoles());
  }

  private static FunctionConfig.LimitOverrides limits(FunctionLimits limits) {
    if (limits == null) {
      return FunctionConfig.LimitOverrides.NONE;
    }
    if (limits.getFuel() != null && limits.getFuel() <= 0) {
      throw new IllegalArgumentException(
          "spec.limits.fuel must be positive, not " + limits.getFuel());
    }
    return new FunctionConfig.LimitOverrides(
        limits.getMemory() == null
            ? null
            : Quantities.parseBytes("spec.limits.memory", limits.getMemory()),
        limits.getFuel(),
        limits.getTimeout() == null
            ? null
            : Quantities.parseDuration("spec.limits.timeout", limits.getTimeout()),
        nonNegative("spec.limits.maxStdoutBytes", limits.getMaxStdoutBytes()),
        nonNegative("spec.limits.maxRequestBytes", limits.getMaxRequestBytes()));
  }

  private static Long nonNegative(String field, Long value) {
    if (value != null && value < 0) {
      throw new IllegalArgumentException(field + " must not be negative, not " + value);
    }
    return value;
  }

  /** Later entries win over earlier ones of the same name, as in a container's env list. */
  private static Map<String, String> env(List<FunctionEnvVar> env) {
    if (env == null) {
      return null;
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (FunctionEnvVar var : env) {
      if (var == null || var.getName() == null || var.getName().isEmpty()) {
        throw new IllegalArgumentException("spec.env: every entry needs a name");
      }
      map.put(var.getName(), var.getValue() == null ? "" : var.getValue());
    }
    return map;
  }
}
