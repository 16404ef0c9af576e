package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import dev.serverlessrunner.engine.fuel.Sections.Section;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Deterministic fuel metering by rewriting a Wasm binary at load time (Chicory has no fuel).
 *
 * <p>The rewritten module defines one more global, a mutable {@code i64} exported as {@value
 * #FUEL_GLOBAL} (appended after all imported and defined globals, so no existing index moves; an
 * existing export of that name is dropped). The host sets it to the budget after instantiation and
 * reads it after the run: consumed = budget − remaining. Its initial value is {@link
 * Long#MAX_VALUE}, i.e. unmetered until the host sets it.
 *
 * <p><b>Cost model.</b> Every instruction of a function body costs 1, including {@code else} and
 * {@code end}; a function whose body is five instructions and its closing {@code end} costs 6.
 * There is no separate entry charge. The cost of a basic block (a straight run of instructions
 * ending at a branch, {@code if}, {@code else}, {@code end}, {@code loop}, {@code return}, {@code
 * unreachable} or {@code throw}) is charged in full when the block is entered, so a block that
 * traps or calls a function that throws part-way is still charged whole. Imported (host) functions
 * cost nothing here. The count depends only on the module and the path taken, so it is identical in
 * Chicory's interpreter and compiler and across runs.
 *
 * <p><b>Exhaustion.</b> The fuel is checked at every loop header, on return from every call (except
 * in coarsely metered functions, below), and at the entry of every function that calls others; when
 * negative the guest executes {@code unreachable} with the global already holding the negative
 * remainder. A trap with the global below zero therefore means "out of fuel"; a guest's own trap
 * leaves it at zero or above unless the budget was also overrun. Between checks a function runs
 * straight-line code only, so the overrun is bounded by the longest loop-free, call-free path
 * through one function body (plus that of a leaf function it called). After a trap of another kind
 * (e.g. out-of-bounds memory) the global may miss the fuel consumed since the trapping function
 * last called or returned; likewise a Wasm exception unwinding through a function drops what that
 * function consumed since its last call (functions containing {@code try_table} keep the count in
 * the global and lose nothing).
 *
 * <p><b>Speed.</b> Inside a function the count lives in an {@code i64} local; the global is read at
 * entry and after calls and written before calls, exits and traps. Functions reached only by direct
 * calls take the count as an extra trailing parameter instead (see {@link FuelPassing}), which
 * saves two of the four global accesses per call.
 *
 * <p><b>Oversized functions.</b> A function body larger than {@value #COARSE_BODY_BYTES} bytes is
 * metered per loop iteration: each loop header (and the entry) charges every instruction of that
 * loop body, whether or not the iteration executes it. That over-approximates the exact count,
 * stays deterministic, and adds code only at loop headers, so the function stays under the JVM's 64
 * KiB method limit in Chicory's compiler (past it Chicory falls back to its ~100× slower
 * interpreter) whenever the original did.
 */
public final class FuelMetering {

  /** Name of the exported mutable i64 global holding the remaining fuel. */
  public static final String FUEL_GLOBAL = "__sr_fuel";

  /**
   * Original body size (bytes) above which a function is metered per loop iteration. Measured with
   * Chicory 1.7.5: per-block metering still compiles a body with a call every 6 bytes (the worst
   * case found: each call gains a write-back, a reload and a check) up to ~11 KB, with a loop every
   * 12 bytes up to ~15 KB, with an {@code if} every 12 bytes up to ~33 KB; unmetered limits are 39,
   * 56 and 98 KB. 6 KB leaves a margin of almost 2× on the worst case.
   */
  static final int COARSE_BODY_BYTES = 6_000;

  private FuelMetering() {}

  /**
   * Rewrites a (parsed-OK) Wasm binary so it consumes fuel.
   *
   * @throws FuelMeteringException if the module cannot be parsed or instrumented
   */
  public static MeteredModule instrument(byte[] wasm) {
    return instrument(wasm, COARSE_BODY_BYTES);
  }

  /** As {@link #instrument(byte[])}, metering bodies over {@code coarseAbove} bytes coarsely. */
  static MeteredModule instrument(byte[] wasm, int coarseAbove) {
    WasmModule module = parse(wasm);
    int fuelGlobal =
        module.importSection().count(ExternalType.GLOBAL) + module.globalSection().globalCount();
    List<Section> sections = Sections.split(wasm);
    List<FunctionPlan> plans = planFunctions(wasm, sections, module, coarseAbove);
    BitSet localMode = new BitSet();
    for (int f = 0; f < plans.size(); f++) {
      localMode.set(f, plans.get(f).mode() == FunctionMeterer.Mode.LOCAL);
    }
    Section types = sections.stream().filter(s -> s.id() == Sections.TYPE).findFirst().orElse(null);
    FuelPassing passing = FuelPassing.plan(wasm, module, types, localMode);

    WasmSink out = new WasmSink(wasm.length * 2);
    out.bytes(wasm, 0, Sections.HEADER_SIZE);
    boolean globalWritten = false;
    boolean exportWritten = false;
    for (Section s : sections) {
      if (s.id() != Sections.CUSTOM) {
        int rank = Sections.rank(s.id());
        if (!globalWritten && rank > Sections.rank(Sections.GLOBAL)) {
          out.section(Sections.GLOBAL, globalSection(wasm, null));
          globalWritten = true;
        }
        if (!exportWritten && rank > Sections.rank(Sections.EXPORT)) {
          out.section(Sections.EXPORT, exportSection(wasm, null, fuelGlobal));
          exportWritten = true;
        }
      }
      switch (s.id()) {
        case Sections.TYPE ->
            out.section(
                Sections.TYPE, passing.changesSignatures() ? passing.typeSection() : copy(wasm, s));
        case Sections.FUNCTION ->
            out.section(
                Sections.FUNCTION,
                passing.changesSignatures() ? passing.functionSection() : copy(wasm, s));
        case Sections.GLOBAL -> {
          out.section(Sections.GLOBAL, globalSection(wasm, s));
          globalWritten = true;
        }
        case Sections.EXPORT -> {
          out.section(Sections.EXPORT, exportSection(wasm, s, fuelGlobal));
          exportWritten = true;
        }
        case Sections.CODE ->
            out.section(Sections.CODE, codeSection(wasm, s, module, fuelGlobal, plans, passing));
        default -> out.section(s.id(), copy(wasm, s));
      }
    }
    if (!globalWritten) {
      out.section(Sections.GLOBAL, globalSection(wasm, null));
    }
    if (!exportWritten) {
      out.section(Sections.EXPORT, exportSection(wasm, null, fuelGlobal));
    }
    int coarse = (int) plans.stream().filter(FunctionPlan::coarse).count();
    return new MeteredModule(out.toByteArray(), plans.size(), coarse);
  }

  /** How one function body is metered, decided before any section is written. */
  private record FunctionPlan(
      int bodyStart, int bodyEnd, ChargePlan charges, FunctionMeterer.Mode mode, boolean coarse) {}

  private static List<FunctionPlan> planFunctions(
      byte[] wasm, List<Section> sections, WasmModule module, int coarseAbove) {
    Section code = sections.stream().filter(s -> s.id() == Sections.CODE).findFirst().orElse(null);
    int functions = module.functionSection().functionCount();
    if (code == null) {
      if (functions != 0) {
        throw new FuelMeteringException(functions + " functions declared but no code section");
      }
      return List.of();
    }
    WasmReader in = new WasmReader(wasm, code.start());
    int count = in.u32();
    if (count != functions) {
      throw new FuelMeteringException(
          "code section has " + count + " bodies for " + functions + " functions");
    }
    int imported = module.importSection().count(ExternalType.FUNCTION);
    List<FunctionPlan> plans = new ArrayList<>(count);
    for (int f = 0; f < count; f++) {
      int size = in.u32();
      int start = in.pos();
      in.skip(size);
      List<? extends Instruction> body = module.codeSection().getFunctionBody(f).instructions();
      boolean coarse = size > coarseAbove;
      boolean calls = body.stream().anyMatch(FuelMetering::isCall);
      int self = imported + f;
      boolean globalMode =
          coarse
              || body.stream()
                  .anyMatch(i -> i.opcode() == OpCode.TRY_TABLE || isSelfTailCall(i, self));
      plans.add(
          new FunctionPlan(
              start,
              start + size,
              coarse
                  ? ChargePlan.perLoopIteration(body, calls)
                  : ChargePlan.perBasicBlock(body, calls),
              globalMode ? FunctionMeterer.Mode.GLOBAL : FunctionMeterer.Mode.LOCAL,
              coarse));
    }
    return plans;
  }

  private static boolean isCall(Instruction i) {
    return Opcodes.CALLS.contains(i.opcode()) || Opcodes.TAIL_CALLS.contains(i.opcode());
  }

  private static boolean isSelfTailCall(Instruction i, int self) {
    return i.opcode() == OpCode.RETURN_CALL && i.operand(0) == self;
  }

  private static WasmModule parse(byte[] wasm) {
    try {
      return Parser.parse(wasm);
    } catch (ChicoryException e) {
      throw new FuelMeteringException(
          "cannot meter a module that does not parse: " + e.getMessage(), e);
    }
  }

  /** The existing globals (if any) followed by {@code (global (mut i64) (i64.const MAX))}. */
  private static WasmSink globalSection(byte[] wasm, Section existing) {
    WasmSink out = new WasmSink(32);
    if (existing == null) {
      out.u32(1);
    } else {
      WasmReader in = new WasmReader(wasm, existing.start());
      out.u32(in.u32() + 1L);
      out.bytes(wasm, in.pos(), existing.end());
    }
    out.u8(Opcodes.I64).u8(0x01); // mutable i64
    out.u8(Opcodes.I64_CONST).s64(Long.MAX_VALUE).u8(Opcodes.END);
    return out;
  }

  /** The existing exports minus any named {@link #FUEL_GLOBAL}, plus the fuel global's export. */
  private static WasmSink exportSection(byte[] wasm, Section existing, int fuelGlobal) {
    byte[] fuelName = FUEL_GLOBAL.getBytes(StandardCharsets.UTF_8);
    WasmSink entries = new WasmSink(64);
    int count = 0;
    if (existing != null) {
      WasmReader in = new WasmReader(wasm, existing.start());
      int n = in.u32();
      for (int i = 0; i < n; i++) {
        int start = in.pos();
        int nameLength = in.u32();
        int nameStart = in.pos();
        in.skip(nameLength);
        in.u8(); // kind
        in.u32(); // index
        boolean clash =
            Arrays.equals(wasm, nameStart, nameStart + nameLength, fuelName, 0, fuelName.length);
        if (!clash) {
          entries.bytes(wasm, start, in.pos());
          count++;
        }
      }
    }
    entries.u32(fuelName.length).bytes(fuelName).u8(0x03).u32(fuelGlobal); // 0x03: global
    WasmSink out = new WasmSink(entries.size() + 5);
    out.u32(count + 1L);
    out.bytes(entries.toByteArray());
    return out;
  }

  private static WasmSink codeSection(
      byte[] wasm,
      Section s,
      WasmModule module,
      int fuelGlobal,
      List<FunctionPlan> plans,
      FuelPassing passing) {
    WasmSink out = new WasmSink((s.end() - s.start()) * 2);
    out.u32(plans.size());
    for (int f = 0; f < plans.size(); f++) {
      FunctionPlan plan = plans.get(f);
      int params =
          module.typeSection().getType(module.functionSection().getFunctionType(f)).params().size();
      WasmSink body = new WasmSink((plan.bodyEnd() - plan.bodyStart()) * 2);
      new FunctionMeterer(wasm, fuelGlobal, body)
          .meter(
              plan.bodyStart(),
              plan.bodyEnd(),
              module.codeSection().getFunctionBody(f),
              params,
              plan.charges(),
              plan.mode(),
              passing.takesFuelDefined(f),
              passing::takesFuel);
      out.u32(body.size());
      out.bytes(body.toByteArray());
    }
    return out;
  }

  private static WasmSink copy(byte[] wasm, Section s) {
    return new WasmSink(s.end() - s.start()).bytes(wasm, s.start(), s.end());
  }
}
