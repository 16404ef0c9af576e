package dev.serverlessrunner.engine.load;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.SubType;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a parsed module against the {@link ModulePolicy}: Chicory enables GC, SIMD, threads and
 * multi-memory by default and cannot switch them off, so this is where they are refused.
 */
public final class PolicyValidator {

  /** The WASI command entry point every guest must export. */
  public static final String START = "_start";

  private static final int SIMD_PREFIX = 0xFD;
  private static final int THREADS_PREFIX = 0xFE;
  private static final int GC_PREFIX = 0xFB;

  private final ModulePolicy policy;

  public PolicyValidator(ModulePolicy policy) {
    this.policy = policy;
  }

  /** Every policy violation of the module, in a stable order; empty when it is acceptable. */
  public List<String> violations(WasmModule module) {
    Set<String> reasons = new LinkedHashSet<>();
    checkImports(module, reasons);
    checkMemory(module, reasons);
    checkTypes(module, reasons);
    checkGlobals(module, reasons);
    checkCode(module, reasons);
    checkTables(module, reasons);
    checkStart(module, reasons);
    return new ArrayList<>(reasons);
  }

  private void checkImports(WasmModule module, Set<String> reasons) {
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < module.importSection().importCount(); i++) {
      Import imported = module.importSection().getImport(i);
      String name = imported.module() + "." + imported.name();
      if (imported.importType() != ExternalType.FUNCTION) {
        reasons.add(
            "imports a %s (%s): only WASI functions may be imported"
                .formatted(imported.importType().name().toLowerCase(java.util.Locale.ROOT), name));
        continue;
      }
      FunctionType expected =
          WasiImports.MODULE.equals(imported.module())
              ? WasiImports.signatures().get(imported.name())
              : null;
      if (expected == null) {
        unknown.add(name);
        continue;
      }
      FunctionType declared = module.typeSection().getType(((FunctionImport) imported).typeIndex());
      if (!declared.paramsMatch(expected) || !declared.returnsMatch(expected)) {
        reasons.add(
            "imports %s with signature %s, but WASI defines %s"
                .formatted(name, declared, expected));
      }
    }
    if (!unknown.isEmpty()) {
      reasons.add(
          "imports functions the runner does not provide (only %s is): %s"
              .formatted(WasiImports.MODULE, String.join(", ", unknown)));
    }
  }

  private void checkMemory(WasmModule module, Set<String> reasons) {
    int defined = module.memorySection().map(s -> s.memoryCount()).orElse(0);
    int imported = module.importSection().count(ExternalType.MEMORY);
    int total = defined + imported;
    if (total == 0) {
      reasons.add("declares no memory: exactly one is required");
    } else if (total > 1) {
      reasons.add("declares %d memories (multi-memory): exactly one is allowed".formatted(total));
    }
    if (defined == 0) {
      return;
    }
    for (int i = 0; i < defined; i++) {
      MemoryLimits limits = module.memorySection().orElseThrow().getMemory(i).limits();
      if (limits.shared()) {
        reasons.add("declares a shared memory (threads proposal), which is not allowed");
      }
      if (limits.initialPages() > policy.maxMemoryPages()) {
        reasons.add(
            "declares an initial memory of %d pages (%d MiB), above the cap of %d pages (%d MiB)"
                .formatted(
                    limits.initialPages(),
                    limits.initialPages() / 16,
                    policy.maxMemoryPages(),
                    policy.maxMemoryPages() / 16));
      }
    }
  }

  private static void checkTypes(WasmModule module, Set<String> reasons) {
    var types = module.typeSection();
    for (int i = 0; i < types.subTypeCount(); i++) {
      SubType subType = types.getSubType(i);
      if (subType.compType().structType() != null) {
        reasons.add("declares a GC struct type (type %d), which is not allowed".formatted(i));
      } else if (subType.compType().arrayType() != null) {
        reasons.add("declares a GC array type (type %d), which is not allowed".formatted(i));
      } else if (subType.compType().funcType() != null
          && (hasV128(subType.compType().funcType().params())
              || hasV128(subType.compType().funcType().returns()))) {
        reasons.add("uses SIMD: function type %d has a v128 parameter or result".formatted(i));
      }
    }
  }

  private static void checkGlobals(WasmModule module, Set<String> reasons) {
    var globals = module.globalSection();
    for (int i = 0; i < globals.globalCount(); i++) {
      if (isV128(globals.getGlobal(i).valueType())) {
        reasons.add("uses SIMD: global %d has type v128".formatted(i));
      }
    }
  }

  private static void checkCode(WasmModule module, Set<String> reasons) {
    int firstDefined = module.importSection().count(ExternalType.FUNCTION);
    FunctionBody[] bodies = module.codeSection().functionBodies();
    for (int i = 0; i < bodies.length; i++) {
      int index = firstDefined + i;
      if (hasV128(bodies[i].localTypes())) {
        reasons.add("uses SIMD: function %d has a v128 local".formatted(index));
      }
      for (Instruction instruction : bodies[i].instructions()) {
        OpCode opcode = instruction.opcode();
        int prefix = opcode.opcode() >>> 8;
        if (prefix == SIMD_PREFIX) {
          reasons.add("uses SIMD: instruction %s in function %d".formatted(opcode, index));
        } else if (prefix == THREADS_PREFIX) {
          reasons.add(
              "uses atomics (threads): instruction %s in function %d".formatted(opcode, index));
        } else if (prefix == GC_PREFIX) {
          reasons.add("uses GC: instruction %s in function %d".formatted(opcode, index));
        }
      }
    }
  }

  private void checkTables(WasmModule module, Set<String> reasons) {
    boolean grows = usesTableGrow(module);
    var tables = module.tableSection();
    for (int i = 0; i < tables.tableCount(); i++) {
      Table table = tables.getTable(i);
      long min = table.limits().min();
      long max = table.limits().max();
      if (min > policy.maxTableEntries()) {
        reasons.add(
            "declares table %d with %d initial entries, above the cap of %d"
                .formatted(i, min, policy.maxTableEntries()));
      } else if (grows && max > policy.maxTableEntries()) {
        reasons.add(
            "grows table %d (table.grow) and its maximum %s is above the cap of %d entries"
                .formatted(
                    i,
                    max >= com.dylibso.chicory.wasm.types.TableLimits.LIMIT_MAX
                        ? "(unbounded)"
                        : Long.toString(max),
                    policy.maxTableEntries()));
      }
    }
  }

  private static boolean usesTableGrow(WasmModule module) {
    for (FunctionBody body : module.codeSection().functionBodies()) {
      for (Instruction instruction : body.instructions()) {
        if (instruction.opcode() == OpCode.TABLE_GROW) {
          return true;
        }
      }
    }
    return false;
  }

  private static void checkStart(WasmModule module, Set<String> reasons) {
    var exports = module.exportSection();
    for (int i = 0; i < exports.exportCount(); i++) {
      Export export = exports.getExport(i);
      if (START.equals(export.name())) {
        if (export.exportType() != ExternalType.FUNCTION) {
          reasons.add("exports _start as a %s, not a function".formatted(export.exportType()));
        } else if (!isNullary(module, export.index())) {
          reasons.add("exports _start with parameters or results: a WASI command takes none");
        }
        return;
      }
    }
    reasons.add("has no _start export: it is not a WASI command");
  }

  private static boolean isNullary(WasmModule module, int functionIndex) {
    int imported = module.importSection().count(ExternalType.FUNCTION);
    if (functionIndex < imported) {
      return false;
    }
    int typeIndex = module.functionSection().getFunctionType(functionIndex - imported);
    FunctionType type = module.typeSection().getType(typeIndex);
    return type.params().isEmpty() && type.returns().isEmpty();
  }

  private static boolean hasV128(List<ValType> types) {
    return types.stream().anyMatch(PolicyValidator::isV128);
  }

  private static boolean isV128(ValType type) {
    return type.opcode() == ValType.V128.opcode();
  }
}
