package dev.serverlessrunner.crd.function;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Base64;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the module a {@code spec.source.configMap} names out of the ConfigMap's {@code binaryData}:
 * the one reading shared by the operator (which resolves the digest) and the runners (which serve
 * the bytes), so both refuse the same ConfigMaps for the same reasons.
 */
public final class ConfigMapModules {

  /** Reason: the ConfigMap does not exist. */
  public static final String CONFIG_MAP_NOT_FOUND = "ConfigMapNotFound";

  /** Reason: the key is not in binaryData. */
  public static final String KEY_NOT_FOUND = "KeyNotFound";

  /** Reason: the key is in data (text), which cannot hold a module. */
  public static final String KEY_NOT_BINARY = "KeyNotBinary";

  /** Reason: the module exceeds the maximum size. */
  public static final String MODULE_TOO_LARGE = "ModuleTooLarge";

  /** Reason: the binaryData value is not base64 (the API server never stores such a value). */
  public static final String NOT_BASE64 = "NotBase64";

  private ConfigMapModules() {}

  /** {@code ConfigMap <namespace>/<name> key <key>}, as messages name the source. */
  public static String where(ConfigMapSource source, String namespace) {
    return "ConfigMap " + namespace + "/" + source.getName() + " key " + source.getKey();
  }

  /**
   * The module bytes.
   *
   * @param configMap the ConfigMap {@code source} names, or null when it does not exist
   * @throws UnreadableModuleException with one of the reasons above
   */
  public static byte[] read(
      ConfigMapSource source, String namespace, ConfigMap configMap, long maxModuleBytes)
      throws UnreadableModuleException {
    String where = where(source, namespace);
    if (configMap == null) {
      throw new UnreadableModuleException(
          CONFIG_MAP_NOT_FOUND,
          "ConfigMap "
              + namespace
              + "/"
              + source.getName()
              + " does not exist; create it with kubectl create configmap "
              + source.getName()
              + " --from-file="
              + source.getKey()
              + "=<module.wasm>");
    }
    Map<String, String> binary = configMap.getBinaryData();
    String encoded = binary == null ? null : binary.get(source.getKey());
    if (encoded == null) {
      Map<String, String> text = configMap.getData();
      if (text != null && text.containsKey(source.getKey())) {
        throw new UnreadableModuleException(
            KEY_NOT_BINARY,
            where
                + " is under data, not binaryData; a module must be stored as binary"
                + " (kubectl create configmap --from-file does so for .wasm files)");
      }
      throw new UnreadableModuleException(
          KEY_NOT_FOUND,
          where
              + " does not exist under binaryData; its binaryData keys are "
              + (binary == null ? "[]" : new TreeSet<>(binary.keySet())));
    }
    // Base64 holds 3 bytes per 4 characters: refuse an oversized module before decoding it.
    if (encoded.length() / 4 * 3 > maxModuleBytes + 2) {
      throw tooLarge(where, "about " + encoded.length() / 4 * 3, maxModuleBytes);
    }
    byte[] module;
    try {
      module = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new UnreadableModuleException(NOT_BASE64, where + " is not valid base64");
    }
    if (module.length > maxModuleBytes) {
      throw tooLarge(where, String.valueOf(module.length), maxModuleBytes);
    }
    return module;
  }

  private static UnreadableModuleException tooLarge(String where, String size, long max) {
    return new UnreadableModuleException(
        MODULE_TOO_LARGE,
        where + " holds " + size + " bytes, more than the limit of " + max + " bytes");
  }

  /** The ConfigMap holds no usable module; {@link #reason()} is a condition reason. */
  public static final class UnreadableModuleException extends Exception {
    private final String reason;

    UnreadableModuleException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** One of the reasons of {@link ConfigMapModules}, CamelCase as condition reasons are. */
    public String reason() {
      return reason;
    }
  }
}
