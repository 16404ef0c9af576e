package dev.serverlessrunner.operator.function;

import dev.serverlessrunner.crd.function.ConfigMapModules;
import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.engine.load.ModuleDigest;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * Resolves a module stored in a ConfigMap: reads it as the runners do ({@link ConfigMapModules}),
 * computes its digest and checks that a runner will load it.
 */
public final class ConfigMapModuleResolver {

  private ConfigMapModuleResolver() {}

  /** Resolves the source against the ConfigMap, which is null when it does not exist. */
  public static SourceResolution resolve(
      ConfigMapSource source,
      String namespace,
      ConfigMap configMap,
      long maxModuleBytes,
      RunnerModuleCheck.PoolCheck check) {
    byte[] module;
    try {
      module = ConfigMapModules.read(source, namespace, configMap, maxModuleBytes);
    } catch (ConfigMapModules.UnreadableModuleException e) {
      return new SourceResolution.Invalid(e.reason(), e.getMessage());
    }
    return check.check(
        new SourceResolution.Resolved(
            ModuleDigest.of(module),
            (long) module.length,
            ConfigMapModules.where(source, namespace)),
        () -> module);
  }
}
