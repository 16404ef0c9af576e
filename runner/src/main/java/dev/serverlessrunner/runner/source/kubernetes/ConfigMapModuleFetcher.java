package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.crd.function.ConfigMapModules;
import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Function;

/**
 * Reads a module from a ConfigMap's {@code binaryData}, fetched by name from the API server when a
 * function's resolved digest is new to this runner (no ConfigMap is listed or watched, so the
 * pool's Role may name the ConfigMaps it grants). The bytes are read as the operator reads them
 * ({@link ConfigMapModules}).
 */
final class ConfigMapModuleFetcher implements ModuleFetcher {

  private final Function<String, ConfigMap> live;
  private final long maxModuleBytes;

  /**
   * @param live the ConfigMap of a name read from the API server now, or null when there is none
   */
  ConfigMapModuleFetcher(Function<String, ConfigMap> live, long maxModuleBytes) {
    this.live = live;
    this.maxModuleBytes = maxModuleBytes;
  }

  @Override
  public FetchedModule fetch(WasmFunction fn, String digest) throws ModuleFetchException {
    ConfigMapSource source = fn.getSpec().getSource().getConfigMap();
    String namespace = fn.getMetadata().getNamespace();
    String where = ConfigMapModules.where(source, namespace);
    ConfigMap configMap;
    try {
      configMap = live.apply(source.getName());
    } catch (KubernetesClientException e) {
      throw new ModuleUnavailableException("cannot read " + where + ": " + e.getMessage(), e);
    }
    try {
      return new FetchedModule(
          ConfigMapModules.read(source, namespace, configMap, maxModuleBytes), where);
    } catch (ConfigMapModules.UnreadableModuleException e) {
      throw new ModuleUnusableException(e.getMessage(), e);
    }
  }
}
