package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.Value;

/** The two ways Chicory executes a module; metering must count the same in both. */
enum Engine {
  INTERPRETER,
  /** The runtime compiler, failing (instead of silently interpreting) any function it rejects. */
  COMPILER;

  /** Parses and instantiates without running {@code _start}, with {@code budget} fuel. */
  Instance instantiate(byte[] wasm, ImportValues imports, long budget) {
    return builder(Parser.parse(wasm))
        .withImportValues(withFuel(imports, budget))
        .withStart(false)
        .build();
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

  /** {@code imports} plus the fuel global a metered module imports, holding {@code budget}. */
  static ImportValues withFuel(ImportValues imports, long budget) {
    return ImportValues.builder()
        .addFunction(imports.functions())
        .addGlobal(imports.globals())
        .addGlobal(
            new ImportGlobal(
                FuelMetering.FUEL_MODULE,
                FuelMetering.FUEL_NAME,
                new GlobalInstance(Value.i64(budget), MutabilityType.Var)))
        .build();
  }

  static long fuel(Instance instance) {
    return instance.global(FuelMetering.fuelGlobalIndex(instance.module())).getValue();
  }
}
