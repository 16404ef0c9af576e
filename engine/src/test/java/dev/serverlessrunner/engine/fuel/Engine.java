package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;

/** The two ways Chicory executes a module; metering must count the same in both. */
enum Engine {
  INTERPRETER,
  /** The runtime compiler, failing (instead of silently interpreting) any function it rejects. */
  COMPILER;

  /** Parses, instantiates without running {@code _start}, and sets the fuel budget. */
  Instance instantiate(byte[] wasm, ImportValues imports, long budget) {
    Instance instance =
        builder(Parser.parse(wasm)).withImportValues(imports).withStart(false).build();
    instance.exports().global(FuelMetering.FUEL_GLOBAL).setValue(budget);
    return instance;
  }

  Instance.Builder builder(WasmModule module) {
    Instance.Builder builder = Instance.builder(module);
    if (this == COMPILER) {
      builder.withMachineFactory(
          MachineFactoryCompiler.builder(module)
              .withInterpreterFallback(InterpreterFallback.FAIL)
              .compile());
    }
    return builder;
  }

  static long fuel(Instance instance) {
    return instance.exports().global(FuelMetering.FUEL_GLOBAL).getValue();
  }
}
