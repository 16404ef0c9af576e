package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import dev.serverlessrunner.engine.fuel.Sections.Section;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which functions receive the remaining fuel as an extra trailing {@code i64} parameter
 * instead of reading the global at entry, and rewrites the type and function sections for them.
 *
 * <p>Global access is several dependent loads in Chicory's compiled code; passing the fuel down as
 * an argument saves the caller's write and the callee's read on every call. Only functions that are
 * reached by direct calls alone qualify: not imported, exported, the start function, or referenced
 * by {@code ref.func} anywhere (tables, element segments, globals, code), since those keep the
 * signature the outside world or {@code call_indirect} expects. Their type must be plain (numeric
 * and basic reference value types, no GC rec groups) so it can be re-encoded.
 */
final class FuelPassing {

  /** Parameters beyond which Chicory's compiler switches to a slower boxed calling convention. */
  private static final int MAX_PARAMS = 100;

  private final int importedFunctions;
  private final BitSet takesFuel;
  private final int[] functionTypes; // per defined function, after the rewrite
  private final List<byte[]> types; // every type entry, original then added
  private final int originalTypes;
  private final Map<Integer, byte[]> resultBlockTypes; // by defined function

  private FuelPassing(
      int importedFunctions,
      BitSet takesFuel,
      int[] functionTypes,
      List<byte[]> types,
      int originalTypes,
      Map<Integer, byte[]> resultBlockTypes) {
    this.importedFunctions = importedFunctions;
    this.takesFuel = takesFuel;
    this.functionTypes = functionTypes;
    this.types = types;
    this.originalTypes = originalTypes;
    this.resultBlockTypes = resultBlockTypes;
  }

  /**
   * @param candidates defined functions (by position in the code section) whose metering mode keeps
   *     fuel in a local, the only mode that can take it as a parameter
   * @param wrapped defined functions whose body gets wrapped in a block typed with their results
   *     (see {@link #resultBlockType(int)})
   */
  static FuelPassing plan(
      byte[] wasm, WasmModule module, Section typeSection, BitSet candidates, BitSet wrapped) {
    int imported = module.importSection().count(ExternalType.FUNCTION);
    int defined = module.functionSection().functionCount();
    int[] functionTypes = new int[defined];
    for (int f = 0; f < defined; f++) {
      functionTypes[f] = module.functionSection().getFunctionType(f);
    }
    List<byte[]> types = typeSection == null ? null : plainTypes(wasm, typeSection);
    BitSet takesFuel = new BitSet();
    if (types == null) {
      if (!wrapped.isEmpty()) {
        throw new FuelMeteringException(
            "function "
                + (imported + wrapped.nextSetBit(0))
                + " branches to its own label in a module with non-function types");
      }
      return new FuelPassing(imported, takesFuel, functionTypes, List.of(), 0, Map.of());
    }
    List<byte[]> allTypes = new ArrayList<>(types);
    Map<Integer, byte[]> resultBlockTypes = new HashMap<>();
    for (int f = wrapped.nextSetBit(0); f >= 0; f = wrapped.nextSetBit(f + 1)) {
      resultBlockTypes.put(f, resultBlockType(allTypes, functionTypes[f]));
    }
    BitSet escaping = escapingFunctions(module);
    Map<Integer, Integer> withFuel = new HashMap<>();
    for (int f = candidates.nextSetBit(0); f >= 0; f = candidates.nextSetBit(f + 1)) {
      int type = functionTypes[f];
      if (escaping.get(imported + f)
          || module.typeSection().getType(type).params().size() >= MAX_PARAMS) {
        continue;
      }
      functionTypes[f] =
          withFuel.computeIfAbsent(
              type,
              t -> {
                allTypes.add(withTrailingI64Param(allTypes.get(t)));
                return allTypes.size() - 1;
              });
      takesFuel.set(imported + f);
    }
    return new FuelPassing(
        imported, takesFuel, functionTypes, allTypes, types.size(), resultBlockTypes);
  }

  /**
   * The block type for {@code (block (result r...))} with the results of type {@code type}: empty,
   * the single value type, or the index of a type {@code (func (result r...))} appended to the type
   * section for several results.
   */
  private static byte[] resultBlockType(List<byte[]> allTypes, int type) {
    byte[] entry = allTypes.get(type);
    WasmReader in = new WasmReader(entry, 1);
    in.skip(in.u32()); // plain value types are one byte each
    int resultsStart = in.pos();
    int results = in.u32();
    if (results == 0) {
      return new byte[] {Opcodes.EMPTY_BLOCK_TYPE};
    }
    if (results == 1) {
      return new byte[] {entry[in.pos()]};
    }
    byte[] resultsOnly =
        new WasmSink(entry.length)
            .u8(0x60)
            .u32(0)
            .bytes(entry, resultsStart, entry.length)
            .toByteArray();
    int index = -1;
    for (int t = 0; t < allTypes.size(); t++) {
      if (Arrays.equals(allTypes.get(t), resultsOnly)) {
        index = t;
        break;
      }
    }
    if (index < 0) {
      allTypes.add(resultsOnly);
      index = allTypes.size() - 1;
    }
    return new WasmSink(5).s64(index).toByteArray();
  }

  /** The block type of the results of the defined function, as planned. */
  byte[] resultBlockType(int definedFunction) {
    return resultBlockTypes.get(definedFunction);
  }

  /** Whether the function with this index (imports included) takes the fuel as a parameter. */
  boolean takesFuel(int functionIndex) {
    return takesFuel.get(functionIndex);
  }

  boolean takesFuelDefined(int definedFunction) {
    return takesFuel.get(importedFunctions + definedFunction);
  }

  boolean changesTypes() {
    return types.size() > originalTypes;
  }

  boolean changesSignatures() {
    return !takesFuel.isEmpty();
  }

  WasmSink typeSection() {
    WasmSink out = new WasmSink(256);
    out.u32(types.size());
    types.forEach(out::bytes);
    return out;
  }

  WasmSink functionSection() {
    WasmSink out = new WasmSink(functionTypes.length * 2 + 5);
    out.u32(functionTypes.length);
    for (int type : functionTypes) {
      out.u32(type);
    }
    return out;
  }

  /** Raw type entries if every one is a plain {@code func} type, else {@code null}. */
  private static List<byte[]> plainTypes(byte[] wasm, Section section) {
    WasmReader in = new WasmReader(wasm, section.start());
    int count = in.u32();
    List<byte[]> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int start = in.pos();
      if (in.u8() != 0x60 || !plainValueTypes(in) || !plainValueTypes(in)) {
        return null;
      }
      entries.add(Arrays.copyOfRange(wasm, start, in.pos()));
    }
    return entries;
  }

  private static boolean plainValueTypes(WasmReader in) {
    int n = in.u32();
    for (int i = 0; i < n; i++) {
      switch (in.u8()) {
        case 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F -> {}
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * {@code (func (param p... i64) (result r...))} from {@code (func (param p...) (result r...))}.
   */
  private static byte[] withTrailingI64Param(byte[] type) {
    WasmReader in = new WasmReader(type, 1);
    int params = in.u32();
    int paramsStart = in.pos();
    int paramsEnd = paramsStart + params;
    return new WasmSink(type.length + 2)
        .u8(0x60)
        .u32(params + 1L)
        .bytes(type, paramsStart, paramsEnd)
        .u8(Opcodes.I64)
        .bytes(type, paramsEnd, type.length)
        .toByteArray();
  }

  /** Functions that may be called other than by a direct {@code call} inside the module. */
  private static BitSet escapingFunctions(WasmModule module) {
    BitSet escaping = new BitSet();
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      var export = module.exportSection().getExport(i);
      if (export.exportType() == ExternalType.FUNCTION) {
        escaping.set(export.index());
      }
    }
    module.startSection().ifPresent(s -> escaping.set((int) s.startIndex()));
    for (Element element : module.elementSection().elements()) {
      element.initializers().forEach(init -> markRefFunc(init, escaping));
    }
    for (Global global : module.globalSection().globals()) {
      markRefFunc(global.initInstructions(), escaping);
    }
    int bodies = module.codeSection().functionBodyCount();
    for (int f = 0; f < bodies; f++) {
      markRefFunc(module.codeSection().getFunctionBody(f).instructions(), escaping);
    }
    return escaping;
  }

  private static void markRefFunc(List<? extends Instruction> code, BitSet escaping) {
    for (Instruction i : code) {
      if (i.opcode() == OpCode.REF_FUNC) {
        escaping.set((int) i.operand(0));
      }
    }
  }
}
