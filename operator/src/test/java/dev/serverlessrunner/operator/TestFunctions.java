package dev.serverlessrunner.operator;

import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.crd.function.ModuleSource;
import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionSpec;
import dev.serverlessrunner.guests.Guests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Base64;

/** WasmFunction and module ConfigMap fixtures. */
public final class TestFunctions {
  /** A module runners serve: the greeter guest. */
  public static final byte[] MODULE = Guests.bytes("greeter");

  /** Key under which fixtures store modules. */
  public static final String KEY = "module.wasm";

  private TestFunctions() {}

  /** A function of the pool whose module is under {@link #KEY} of ConfigMap {@code configMap}. */
  public static WasmFunction fromConfigMap(
      String namespace, String name, String pool, String configMap) {
    ConfigMapSource cm = new ConfigMapSource();
    cm.setName(configMap);
    cm.setKey(KEY);
    ModuleSource source = new ModuleSource();
    source.setConfigMap(cm);
    WasmFunctionSpec spec = new WasmFunctionSpec();
    spec.setPool(pool);
    spec.setSource(source);
    WasmFunction fn = new WasmFunction();
    fn.setMetadata(
        new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L).build());
    fn.setSpec(spec);
    return fn;
  }

  /**
   * A function of the pool pulled from {@code ref} with pull Secret {@code pullSecret} (or none).
   */
  public static WasmFunction fromOci(
      String namespace, String name, String pool, String ref, String pullSecret) {
    WasmFunction fn = fromConfigMap(namespace, name, pool, "unused");
    OciSource oci = new OciSource();
    oci.setRef(ref);
    if (pullSecret != null) {
      oci.setPullSecretRef(new LocalObjectReference(pullSecret));
    }
    ModuleSource source = new ModuleSource();
    source.setOci(oci);
    fn.getSpec().setSource(source);
    return fn;
  }

  /** A ConfigMap holding {@code bytes} under {@link #KEY} in binaryData. */
  public static ConfigMap moduleConfigMap(String namespace, String name, byte[] bytes) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .addToBinaryData(KEY, Base64.getEncoder().encodeToString(bytes))
        .build();
  }

  /**
   * A servable module that differs per {@code variant} (by a custom section), so digests differ.
   */
  public static byte[] moduleVariant(int variant) {
    byte[] bytes = java.util.Arrays.copyOf(MODULE, MODULE.length + 4);
    // A trailing custom section: id 0, size 2, name length 1, a one-letter name that varies.
    bytes[MODULE.length] = 0x00;
    bytes[MODULE.length + 1] = 0x02;
    bytes[MODULE.length + 2] = 0x01;
    bytes[MODULE.length + 3] = (byte) ('a' + variant % 26);
    return bytes;
  }
}
