package dev.serverlessrunner.engine.fuel;

import static dev.serverlessrunner.engine.fuel.Opcodes.BLOCK;
import static dev.serverlessrunner.engine.fuel.Opcodes.BR_IF;
import static dev.serverlessrunner.engine.fuel.Opcodes.EMPTY_BLOCK_TYPE;
import static dev.serverlessrunner.engine.fuel.Opcodes.END;
import static dev.serverlessrunner.engine.fuel.Opcodes.GLOBAL_GET;
import static dev.serverlessrunner.engine.fuel.Opcodes.GLOBAL_SET;
import static dev.serverlessrunner.engine.fuel.Opcodes.I64;
import static dev.serverlessrunner.engine.fuel.Opcodes.I64_CONST;
import static dev.serverlessrunner.engine.fuel.Opcodes.I64_LT_S;
import static dev.serverlessrunner.engine.fuel.Opcodes.I64_SUB;
import static dev.serverlessrunner.engine.fuel.Opcodes.LOCAL_GET;
import static dev.serverlessrunner.engine.fuel.Opcodes.LOCAL_SET;
import static dev.serverlessrunner.engine.fuel.Opcodes.LOCAL_TEE;
import static dev.serverlessrunner.engine.fuel.Opcodes.RETURN;
import static dev.serverlessrunner.engine.fuel.Opcodes.UNREACHABLE;

import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Rewrites one function body so that it charges fuel according to a {@link ChargePlan}.
 *
 * <p>Instruction bytes are copied verbatim (Chicory reports each instruction's absolute offset in
 * the module), so no instruction encoder is needed. Every injected sequence leaves the operand
 * stack as it found it. Up to two blocks wrap the original body, outermost first: an empty block
 * that every fuel check leaves with {@code br_if} when the fuel is negative, followed by the shared
 * out-of-fuel trap (one copy per function instead of one per check keeps large functions under the
 * JVM method size limit); and, when some branch targets the function's own label, a block typed
 * with the function's results that takes that label's place, so the final {@code end} can be
 * charged where both the fall-through and those branches arrive. Branch labels inside the body keep
 * their meaning because the wrappers sit outside everything. In {@link Mode#LOCAL} one {@code i64}
 * local is appended after the existing locals (unless the fuel arrives as a parameter).
 */
final class FunctionMeterer {

  /** Where the running fuel count lives while the function executes. */
  enum Mode {
    /**
     * In the appended local (or the fuel parameter): loaded from the global at entry (without the
     * parameter) and after each call, written back before each call that does not take it as an
     * argument, before each exit and before the out-of-fuel trap. The fast mode.
     */
    LOCAL,
    /**
     * In the global, updated by every charge; no local is added. Used when an exception caught by
     * {@code try_table} could land in this function with a stale local, and for functions that
     * tail-call themselves: Chicory 1.7.5's interpreter reuses the frame for a self {@code
     * return_call} and fails if the function declares locals.
     */
    GLOBAL
  }

  private final byte[] wasm;
  private final int fuelGlobal;
  private final WasmSink out;
  private int fuelLocal;
  private Mode mode;

  FunctionMeterer(byte[] wasm, int fuelGlobal, WasmSink out) {
    this.wasm = wasm;
    this.fuelGlobal = fuelGlobal;
    this.out = out;
  }

  /**
   * Appends the rewritten body (without its size prefix) to the output.
   *
   * @param bodyStart offset of the body's locals declarations in the module
   * @param bodyEnd offset just past the body's final {@code end}
   * @param paramCount number of parameters of the function's original type
   * @param resultBlockType encoded block type of the function's results, used when the plan needs
   *     the body wrapped ({@link ChargePlan#bodyLabelTargeted()})
   * @param fuelParam whether the function receives the fuel as an extra trailing parameter (see
   *     {@link FuelPassing}); only in {@link Mode#LOCAL}
   * @param calleeTakesFuel which functions (by index) receive the fuel as a parameter
   */
  void meter(
      int bodyStart,
      int bodyEnd,
      FunctionBody body,
      int paramCount,
      ChargePlan plan,
      Mode mode,
      byte[] resultBlockType,
      boolean fuelParam,
      IntPredicate calleeTakesFuel) {
    this.mode = mode;
    List<? extends Instruction> code = body.instructions();
    int firstInstruction = code.get(0).address();
    if (fuelParam) {
      fuelLocal = paramCount;
      out.bytes(wasm, bodyStart, firstInstruction);
    } else if (mode == Mode.LOCAL) {
      fuelLocal = paramCount + body.localTypes().size();
      copyLocalsPlusFuelLocal(bodyStart, firstInstruction);
    } else {
      out.bytes(wasm, bodyStart, firstInstruction);
    }

    boolean trapBlock = plan.hasChecks();
    boolean bodyBlock = plan.bodyLabelTargeted();
    if (trapBlock) {
      out.u8(BLOCK).u8(EMPTY_BLOCK_TYPE);
    }
    if (bodyBlock) {
      out.u8(BLOCK).bytes(resultBlockType);
    }
    // label of the trap block as seen from the body's top level
    int trapLabel = bodyBlock ? 1 : 0;

    int n = code.size();
    int depth = 0;
    boolean reload =
        false; // the previous instruction was a call: the callee left fuel in the global
    boolean fromGlobal = mode == Mode.LOCAL && !fuelParam; // the entry reads the global
    for (int i = 0; i < n - 1; i++) {
      Instruction in = code.get(i);
      OpCode op = in.opcode();
      fromGlobal |= reload;
      if (plan.cost()[i] > 0 || plan.check()[i] || fromGlobal) {
        charge(fromGlobal, plan.cost()[i], plan.check()[i], depth + trapLabel);
        fromGlobal = false;
      }
      reload = false;

      boolean direct = op == OpCode.CALL || op == OpCode.RETURN_CALL;
      if (direct && calleeTakesFuel.test((int) in.operand(0))) {
        pushFuel();
      } else if (Opcodes.LEAVES_WITH_FUEL_IN_GLOBAL.contains(op)) {
        writeBack();
      }
      int end = code.get(i + 1).address();
      if (fuelParam && Opcodes.LOCAL_ACCESS.contains(op) && in.operand(0) >= paramCount) {
        // declared locals move up by one behind the fuel parameter
        out.u8(op.opcode()).u32(in.operand(0) + 1);
      } else if ((op == OpCode.GLOBAL_GET || op == OpCode.GLOBAL_SET)
          && in.operand(0) >= fuelGlobal) {
        // defined globals move up by one behind the fuel global's import
        out.u8(op.opcode()).u32(in.operand(0) + 1);
      } else {
        out.bytes(wasm, in.address(), end);
      }
      reload = mode == Mode.LOCAL && Opcodes.CALLS.contains(op);
      if (Opcodes.OPENS_CONSTRUCT.contains(op)) {
        depth++;
      } else if (op == OpCode.END) {
        depth--;
      }
    }

    // The final end: charge what runs up to it, leave the body block, charge the body label's end.
    fromGlobal |= reload;
    if (plan.cost()[n - 1] > 0 || fromGlobal) {
      charge(fromGlobal, plan.cost()[n - 1], false, trapLabel);
    }
    if (bodyBlock) {
      out.u8(END);
      if (plan.cost()[n] > 0) {
        charge(false, plan.cost()[n], false, 0);
      }
    }
    writeBack();
    if (trapBlock) {
      out.u8(RETURN).u8(END);
      if (mode == Mode.LOCAL) {
        out.u8(LOCAL_GET).u32(fuelLocal).u8(GLOBAL_SET).u32(fuelGlobal);
      }
      out.u8(UNREACHABLE);
    }
    out.u8(END);
  }

  private void copyLocalsPlusFuelLocal(int bodyStart, int firstInstruction) {
    WasmReader in = new WasmReader(wasm, bodyStart);
    int groups = in.u32();
    out.u32(groups + 1L);
    out.bytes(wasm, in.pos(), firstInstruction);
    out.u32(1).u8(I64);
  }

  /**
   * Subtracts {@code cost} (from the global when {@code fromGlobal}, else from the local); with
   * {@code check}, leaves the trap block (label {@code trapLabel}) if the result is negative.
   */
  private void charge(boolean fromGlobal, long cost, boolean check, int trapLabel) {
    if (mode == Mode.LOCAL) {
      out.u8(fromGlobal ? GLOBAL_GET : LOCAL_GET).u32(fromGlobal ? fuelGlobal : fuelLocal);
      if (cost > 0) {
        out.u8(I64_CONST).s64(cost).u8(I64_SUB);
      }
      if (check) {
        out.u8(LOCAL_TEE).u32(fuelLocal);
        exitIfNegative(trapLabel);
      } else {
        out.u8(LOCAL_SET).u32(fuelLocal);
      }
      return;
    }
    if (cost > 0) {
      out.u8(GLOBAL_GET).u32(fuelGlobal).u8(I64_CONST).s64(cost).u8(I64_SUB);
      out.u8(GLOBAL_SET).u32(fuelGlobal);
    }
    if (check) {
      out.u8(GLOBAL_GET).u32(fuelGlobal);
      exitIfNegative(trapLabel);
    }
  }

  /** Consumes the fuel value on the stack; branches to the trap block if it is negative. */
  private void exitIfNegative(int trapLabel) {
    out.u8(I64_CONST).u8(0).u8(I64_LT_S).u8(BR_IF).u32(trapLabel);
  }

  private void writeBack() {
    if (mode == Mode.LOCAL) {
      out.u8(LOCAL_GET).u32(fuelLocal).u8(GLOBAL_SET).u32(fuelGlobal);
    }
  }

  /** Pushes the remaining fuel as the last argument of a callee that takes it. */
  private void pushFuel() {
    if (mode == Mode.LOCAL) {
      out.u8(LOCAL_GET).u32(fuelLocal);
    } else {
      out.u8(GLOBAL_GET).u32(fuelGlobal);
    }
  }
}
