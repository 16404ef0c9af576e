package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a module from a ConfigMap's {@code binaryData}, fetched by name from the API server when a
 * function's resolved digest is new to this runner (no ConfigMap is listed or watched, so the
 * pool's Role may name the ConfigMaps it grants).
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
    String where =
        "ConfigMap "
            + fn.getMetadata().getNamespace()
            + "/"
            + source.getName()
            + " key "
            + source.getKey();
    ConfigMap configMap;
    try {
      configMap = live.apply(source.getName());
    } catch (KubernetesClientException e) {
      throw new ModuleUnavailableException("cannot read " + where + ": " + e.getMessage(), e);
    }
    if (configMap == null) {
      throw new ModuleUnusableException(where + ": the ConfigMap does not exist");
    }
    return new FetchedModule(read(configMap, source, where), where);
  }

  private byte[] read(ConfigMap configMap, ConfigMapSource source, String where)
      throws ModuleUnusableException {
    Map<String, String> binary = configMap.getBinaryData();
    String encoded = binary == null ? null : binary.get(source.getKey());
    if (encoded == null) {
      throw new ModuleUnusableException(where + ": no such key under binaryData");
    }
    // Base64 holds 3 bytes per 4 characters: refuse oversized modules before decoding them.
    if (encoded.length() / 4 * 3 > maxModuleBytes + 2) {
      throw new ModuleUnusableException(
          where + ": the module is larger than the limit of " + maxModuleBytes + " bytes");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new ModuleUnusableException(where + ": binaryData is not valid base64", e);
    }
    if (bytes.length > maxModuleBytes) {
      throw new ModuleUnusableException(
          where
              + ": the module has "
              + bytes.length
              + " bytes, more than the limit of "
              + maxModuleBytes);
    }
    return bytes;
  }
}
