package dev.serverlessrunner.engine.load;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * A validated, fuel-metered and compiled module, shared by every run of it on every thread.
 * Chicory's machine factory checks the instance's module by identity, so every instance must be
 * built from {@link #module()} itself.
 *
 * @param digest {@code sha256:<hex>} of the original (unmetered) bytes
 * @param originalBytes size of the original module
 * @param meteredBytes size of the fuel-metered module that runs
 * @param module the parsed metered module
 * @param machineFactory the compiled code, or {@code null} to run in the interpreter
 * @param startFunction the module's own Wasm start function, if it has one (run after fuel is set)
 * @param declaredMaxPages the memory maximum the module declares, if any
 * @param initialPages the memory size the module starts with
 * @param interpretedFunctions functions too large for a JVM method, left to the interpreter
 * @param loadNanos time spent validating, metering and compiling
 * @param wasiImports names of the WASI functions the module imports
 */
public record LoadedModule(
    String digest,
    int originalBytes,
    int meteredBytes,
    WasmModule module,
    Function<Instance, Machine> machineFactory,
    OptionalInt startFunction,
    OptionalInt declaredMaxPages,
    int initialPages,
    int interpretedFunctions,
    long loadNanos,
    Set<String> wasiImports) {

  /** Estimated metaspace of one compiled module's classes (measured ≈150 KiB). */
  public static final int COMPILED_CODE_WEIGHT = 150 << 10;

  public LoadedModule {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(startFunction, "startFunction");
    Objects.requireNonNull(declaredMaxPages, "declaredMaxPages");
    wasiImports = Set.copyOf(wasiImports);
  }

  /** Whether the module runs compiled (the production mode). */
  public boolean compiled() {
    return machineFactory != null;
  }

  /**
   * Approximate memory held while cached: original and metered bytes (the parsed module holds
   * structures of similar size) plus the compiled classes' metaspace.
   */
  public long weightBytes() {
    return (long) originalBytes + 2L * meteredBytes + (compiled() ? COMPILED_CODE_WEIGHT : 0);
  }
}
