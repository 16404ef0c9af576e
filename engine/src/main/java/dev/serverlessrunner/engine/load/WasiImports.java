package dev.serverlessrunner.engine.load;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.FunctionType;
import java.util.Map;
import java.util.TreeMap;

/** The WASI preview 1 functions a guest may import, with their signatures. */
public final class WasiImports {

  /** The only import module a guest may use. */
  public static final String MODULE = "wasi_snapshot_preview1";

  private static final Map<String, FunctionType> SIGNATURES = readSignatures();

  private WasiImports() {}

  /** Function name → signature, sorted by name. */
  public static Map<String, FunctionType> signatures() {
    return SIGNATURES;
  }

  private static Map<String, FunctionType> readSignatures() {
    // Taken from Chicory's own WASI host so the policy and the linker can never disagree.
    Map<String, FunctionType> byName = new TreeMap<>();
    try (WasiPreview1 wasi =
        WasiPreview1.builder().withOptions(WasiOptions.builder().build()).build()) {
      for (HostFunction function : wasi.toHostFunctions()) {
        byName.put(function.name(), function.functionType());
      }
    }
    return Map.copyOf(byName);
  }
}
