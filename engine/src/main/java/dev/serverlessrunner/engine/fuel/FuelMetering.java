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
 * <p><b>What is counted.</b> Fuel is the number of Wasm instructions executed, exactly as Chicory's
 * interpreter dispatches them, in functions of every size: each instruction costs 1 each time it
 * executes, including {@code block}, {@code loop} and {@code if} when entered, {@code else} when
 * the then-arm reaches it, and {@code end} whenever control leaves its construct by falling through
 * or by a branch to its label (a branch to a {@code loop} goes back to the start and skips the
 * loop's {@code end}; {@code return} skips every {@code end}). Imported (host) functions cost
 * nothing. The count depends only on the module and the path taken, so it is the same in Chicory's
 * interpreter and compiler, for compiled functions and for those too large for a JVM method that
 * Chicory interprets, and across runs.
 *
 * <p><b>How.</b> Each basic block (see {@link ChargePlan}) is charged its instruction count when it
 * is entered. Calls end basic blocks, so the instructions after a call are charged only once it has
 * returned: a run ended by {@code proc_exit} deep in a call chain is charged exactly what ran.
 *
 * <p><b>Exhaustion.</b> The fuel is checked at the start of every loop body and at the entry of
 * every function that calls others; when negative the function leaves through a block wrapped
 * around its body into {@code unreachable}, with the global already holding the negative remainder.
 * A trap with the global below zero therefore means "out of fuel"; a guest's own trap leaves it at
 * zero or above unless the budget was also overrun. Every loop and every recursion passes a check,
 * so the overrun is bounded by the longest loop-free path through one function body plus the
 * loop-free leaf functions it calls on that path. A run that ends between checks with the global
 * below zero executed more than its budget and is reported as out of fuel too.
 *
 * <p><b>Traps.</b> A block is charged in full when entered, and inside a function the count lives
 * in a local (below) that is published to the global only at calls to functions that do not take it
 * as an argument, at exits and at {@code unreachable}. A trap other than {@code unreachable}
 * (out-of-bounds memory, division by zero, call stack exhausted) loses what the functions on the
 * stack counted since they last published it, so after such a trap the global holds a lower bound
 * of the instructions executed. Wasm exceptions lose nothing: {@code throw} publishes the count,
 * and functions containing {@code try_table} keep it in the global.
 *
 * <p><b>Speed.</b> Inside a function the count lives in an {@code i64} local; the global is read at
 * entry and after calls and written before calls, exits and traps. Functions reached only by direct
 * calls take the count as an extra trailing parameter instead (see {@link FuelPassing}), which
 * saves two of the four global accesses per call. Checks share one trap per function, so metering
 * adds little code: a 49 KB dispatch function of a bytecode interpreter still fits one JVM method
 * once metered (the {@code bytecode-vm} guests).
 */
public final class FuelMetering {

  /** Name of the exported mutable i64 global holding the remaining fuel. */
  public static final String FUEL_GLOBAL = "__sr_fuel";

  private FuelMetering() {}

  /**
   * Rewrites a (parsed-OK) Wasm binary so it consumes fuel.
   *
   * @throws FuelMeteringException if the module cannot be parsed or instrumented
   */
  public static MeteredModule instrument(byte[] wasm) {
    WasmModule module = parse(wasm);
    int fuelGlobal =
        module.importSection().count(ExternalType.GLOBAL) + module.globalSection().globalCount();
    List<Section> sections = Sections.split(wasm);
    List<FunctionPlan> plans = planFunctions(wasm, sections, module);
    BitSet localMode = new BitSet();
    for (int f = 0; f < plans.size(); f++) {
      localMode.set(f, plans.get(f).mode() == FunctionMeterer.Mode.LOCAL);
    }
    Section types = sections.stream().filter(s -> s.id() == Sections.TYPE).findFirst().orElse(null);
    BitSet wrapped = new BitSet();
    for (int f = 0; f < plans.size(); f++) {
      wrapped.set(f, plans.get(f).charges().bodyLabelTargeted());
    }
    FuelPassing passing = FuelPassing.plan(wasm, module, types, localMode, wrapped);

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
                Sections.TYPE, passing.changesTypes() ? passing.typeSection() : copy(wasm, s));
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
    return new MeteredModule(out.toByteArray(), plans.size());
  }

  /** How one function body is metered, decided before any section is written. */
  private record FunctionPlan(
      int bodyStart, int bodyEnd, ChargePlan charges, FunctionMeterer.Mode mode) {}

  private static List<FunctionPlan> planFunctions(
      byte[] wasm, List<Section> sections, WasmModule module) {
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
    // functions that check the fuel at their entry: the defined ones that call others
    BitSet checksAtEntry = new BitSet();
    for (int f = 0; f < count; f++) {
      if (module.codeSection().getFunctionBody(f).instructions().stream()
          .anyMatch(FuelMetering::isCall)) {
        checksAtEntry.set(imported + f);
      }
    }
    List<FunctionPlan> plans = new ArrayList<>(count);
    for (int f = 0; f < count; f++) {
      int size = in.u32();
      int start = in.pos();
      in.skip(size);
      List<? extends Instruction> body = module.codeSection().getFunctionBody(f).instructions();
      int self = imported + f;
      boolean globalMode =
          body.stream().anyMatch(i -> i.opcode() == OpCode.TRY_TABLE || isSelfTailCall(i, self));
      plans.add(
          new FunctionPlan(
              start,
              start + size,
              ChargePlan.perBasicBlock(body, checksAtEntry.get(self), checksAtEntry::get),
              globalMode ? FunctionMeterer.Mode.GLOBAL : FunctionMeterer.Mode.LOCAL));
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
              plan.charges().bodyLabelTargeted() ? passing.resultBlockType(f) : null,
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
