package dev.serverlessrunner.operator.function;

import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.oci.Digests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeSet;

/** Verifies a module stored in a ConfigMap's binaryData and computes its digest; pure. */
public final class ConfigMapModuleResolver {
  /** Reason: the ConfigMap does not exist. */
  public static final String CONFIG_MAP_NOT_FOUND = "ConfigMapNotFound";

  /** Reason: the key is not in binaryData. */
  public static final String KEY_NOT_FOUND = "KeyNotFound";

  /** Reason: the key is in data (text), which cannot hold a module. */
  public static final String KEY_NOT_BINARY = "KeyNotBinary";

  /** Reason: the bytes do not start with the Wasm magic number. */
  public static final String NOT_WASM = "NotWasm";

  /** Reason: the module exceeds the configured maximum size. */
  public static final String MODULE_TOO_LARGE = "ModuleTooLarge";

  private static final byte[] WASM_MAGIC = {0x00, 0x61, 0x73, 0x6d};

  private ConfigMapModuleResolver() {}

  /** Resolves the source against the ConfigMap, which is null when it does not exist. */
  public static SourceResolution resolve(
      ConfigMapSource source, String namespace, ConfigMap configMap, long maxModuleBytes) {
    String where = "ConfigMap " + namespace + "/" + source.getName();
    if (configMap == null) {
      return new SourceResolution.Invalid(
          CONFIG_MAP_NOT_FOUND,
          where
              + " does not exist; create it with kubectl create configmap "
              + source.getName()
              + " --from-file="
              + source.getKey()
              + "=<module.wasm>");
    }
    Map<String, String> binary = configMap.getBinaryData();
    if (binary == null || !binary.containsKey(source.getKey())) {
      Map<String, String> text = configMap.getData();
      if (text != null && text.containsKey(source.getKey())) {
        return new SourceResolution.Invalid(
            KEY_NOT_BINARY,
            where
                + " has key "
                + source.getKey()
                + " under data, not binaryData; a module must be stored as binary"
                + " (kubectl create configmap --from-file does so for .wasm files)");
      }
      return new SourceResolution.Invalid(
          KEY_NOT_FOUND,
          where
              + " has no binaryData key "
              + source.getKey()
              + "; its binaryData keys are "
              + (binary == null ? "[]" : new TreeSet<>(binary.keySet())));
    }
    byte[] module = Base64.getDecoder().decode(binary.get(source.getKey()));
    if (module.length > maxModuleBytes) {
      return new SourceResolution.Invalid(
          MODULE_TOO_LARGE,
          where
              + " key "
              + source.getKey()
              + " holds "
              + module.length
              + " bytes, more than the limit of "
              + maxModuleBytes);
    }
    if (module.length < WASM_MAGIC.length
        || !Arrays.equals(module, 0, WASM_MAGIC.length, WASM_MAGIC, 0, WASM_MAGIC.length)) {
      return new SourceResolution.Invalid(
          NOT_WASM,
          where
              + " key "
              + source.getKey()
              + " is not a WebAssembly module (it does not start with \\0asm)");
    }
    return new SourceResolution.Resolved(
        Digests.sha256(module), (long) module.length, where + " key " + source.getKey());
  }
}
