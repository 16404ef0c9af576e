package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.ActiveElement;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import dev.serverlessrunner.engine.fuel.Sections.Section;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Deterministic fuel metering by rewriting a Wasm binary at load time (Chicory has no fuel).
 *
 * <p>The rewritten module imports one more global, a mutable {@code i64} {@value #FUEL_MODULE}
 * {@code .}{@value #FUEL_NAME}, after its own imported globals (so their indices stay; the defined
 * globals move up by one, see {@link #fuelGlobalIndex}). The host provides it per instance holding
 * the budget and reads it after the run: consumed = budget − remaining. It is imported rather than
 * defined because Chicory 1.7.5 compiles every {@code global.get}/{@code global.set} to {@code
 * instance.global(i)}, whose path for imported globals is shorter: call-bound code runs about 12 %
 * faster that way (bench/results/fuel-overhead.md).
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

  /** Module name of the imported mutable i64 global holding the remaining fuel. */
  public static final String FUEL_MODULE = "serverless_runner";

  /** Field name of the imported mutable i64 global holding the remaining fuel. */
  public static final String FUEL_NAME = "fuel";

  /**
   * Version of the rewrite: raise it whenever the metered code a module gets changes, so code
   * compiled from an older rewrite and kept on disk ({@code CompiledCodeStore}) is never loaded.
   */
  public static final int VERSION = 1;

  private FuelMetering() {}

  /**
   * Rewrites a (parsed-OK) Wasm binary so it consumes fuel.
   *
   * @throws FuelMeteringException if the module cannot be parsed or instrumented
   */
  public static MeteredModule instrument(byte[] wasm) {
    WasmModule module = parse(wasm);
    int importedGlobals = module.importSection().count(ExternalType.GLOBAL);
    for (int i = 0; i < module.importSection().importCount(); i++) {
      if (FUEL_MODULE.equals(module.importSection().getImport(i).module())) {
        // it would get the fuel counter itself, and could refill it
        throw new FuelMeteringException("the module imports from " + FUEL_MODULE);
      }
    }
    refuseDefinedGlobalsInConstantExpressions(module, importedGlobals);
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
    boolean importWritten = false;
    for (Section s : sections) {
      if (s.id() != Sections.CUSTOM
          && !importWritten
          && Sections.rank(s.id()) > Sections.rank(Sections.IMPORT)) {
        out.section(Sections.IMPORT, importSection(wasm, null));
        importWritten = true;
      }
      switch (s.id()) {
        case Sections.TYPE ->
            out.section(
                Sections.TYPE, passing.changesTypes() ? passing.typeSection() : copy(wasm, s));
        case Sections.IMPORT -> {
          out.section(Sections.IMPORT, importSection(wasm, s));
          importWritten = true;
        }
        case Sections.FUNCTION ->
            out.section(
                Sections.FUNCTION,
                passing.changesSignatures() ? passing.functionSection() : copy(wasm, s));
        case Sections.EXPORT ->
            out.section(Sections.EXPORT, exportSection(wasm, s, importedGlobals));
        case Sections.CODE ->
            out.section(
                Sections.CODE, codeSection(wasm, s, module, importedGlobals, plans, passing));
        default -> out.section(s.id(), copy(wasm, s));
      }
    }
    if (!importWritten) {
      out.section(Sections.IMPORT, importSection(wasm, null));
    }
    return new MeteredModule(out.toByteArray(), plans.size());
  }

  /**
   * Index of the fuel global in a module rewritten by {@link #instrument(byte[])}: it is the last
   * imported global, after the module's own imported globals.
   */
  public static int fuelGlobalIndex(WasmModule metered) {
    return metered.importSection().count(ExternalType.GLOBAL) - 1;
  }

  /**
   * The fuel global's import moves every defined global up by one index; constant expressions are
   * copied verbatim, so none may read a defined global (only extended constant expressions can).
   */
  private static void refuseDefinedGlobalsInConstantExpressions(
      WasmModule module, int importedGlobals) {
    List<List<? extends Instruction>> expressions = new ArrayList<>();
    for (Global global : module.globalSection().globals()) {
      expressions.add(global.initInstructions());
    }
    for (DataSegment segment : module.dataSection().dataSegments()) {
      if (segment instanceof ActiveDataSegment active) {
        expressions.add(active.offsetInstructions());
      }
    }
    for (Element element : module.elementSection().elements()) {
      if (element instanceof ActiveElement active) {
        expressions.add(active.offset());
      }
      expressions.addAll(element.initializers());
    }
    for (List<? extends Instruction> expression : expressions) {
      for (Instruction i : expression) {
        if (i.opcode() == OpCode.GLOBAL_GET && i.operand(0) >= importedGlobals) {
          throw new FuelMeteringException(
              "a constant expression reads global " + i.operand(0) + ", defined in the module");
        }
      }
    }
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

  /** The existing imports (if any) followed by the fuel global's. */
  private static WasmSink importSection(byte[] wasm, Section existing) {
    WasmSink out = new WasmSink(64);
    if (existing == null) {
      out.u32(1);
    } else {
      WasmReader in = new WasmReader(wasm, existing.start());
      out.u32(in.u32() + 1L);
      out.bytes(wasm, in.pos(), existing.end());
    }
    byte[] module = FUEL_MODULE.getBytes(StandardCharsets.UTF_8);
    byte[] name = FUEL_NAME.getBytes(StandardCharsets.UTF_8);
    out.u32(module.length).bytes(module).u32(name.length).bytes(name);
    out.u8(0x03).u8(Opcodes.I64).u8(0x01); // a global: mutable i64
    return out;
  }

  /** The existing exports, defined globals' indices moved up by one behind the fuel import. */
  private static WasmSink exportSection(byte[] wasm, Section existing, int importedGlobals) {
    WasmReader in = new WasmReader(wasm, existing.start());
    int n = in.u32();
    WasmSink out = new WasmSink(existing.end() - existing.start() + 8);
    out.u32(n);
    for (int i = 0; i < n; i++) {
      int start = in.pos();
      in.skip(in.u32()); // name
      int kind = in.u8();
      int indexStart = in.pos();
      int index = in.u32();
      if (kind == 0x03 && index >= importedGlobals) {
        out.bytes(wasm, start, indexStart).u32(index + 1L);
      } else {
        out.bytes(wasm, start, in.pos());
      }
    }
    return out;
  }

  private static WasmSink codeSection(
      byte[] wasm,
      Section s,
      WasmModule module,
      int importedGlobals,
      List<FunctionPlan> plans,
      FuelPassing passing) {
    WasmSink out = new WasmSink((s.end() - s.start()) * 2);
    out.u32(plans.size());
    for (int f = 0; f < plans.size(); f++) {
      FunctionPlan plan = plans.get(f);
      int params =
          module.typeSection().getType(module.functionSection().getFunctionType(f)).params().size();
      WasmSink body = new WasmSink((plan.bodyEnd() - plan.bodyStart()) * 2);
      new FunctionMeterer(wasm, importedGlobals, body)
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
