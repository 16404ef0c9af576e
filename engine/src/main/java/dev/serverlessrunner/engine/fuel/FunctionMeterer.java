package dev.serverlessrunner.engine.fuel;

import static dev.serverlessrunner.engine.fuel.Opcodes.EMPTY_BLOCK_TYPE;
import static dev.serverlessrunner.engine.fuel.Opcodes.GLOBAL_GET;
import static dev.serverlessrunner.engine.fuel.Opcodes.GLOBAL_SET;
import static dev.serverlessrunner.engine.fuel.Opcodes.I64;
import static dev.serverlessrunner.engine.fuel.Opcodes.I64_CONST;
import static dev.serverlessrunner.engine.fuel.Opcodes.I64_LT_S;
import static dev.serverlessrunner.engine.fuel.Opcodes.I64_SUB;
import static dev.serverlessrunner.engine.fuel.Opcodes.IF;
import static dev.serverlessrunner.engine.fuel.Opcodes.LOCAL_GET;
import static dev.serverlessrunner.engine.fuel.Opcodes.LOCAL_SET;
import static dev.serverlessrunner.engine.fuel.Opcodes.LOCAL_TEE;
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
 * stack as it found it and any {@code if} it opens is closed at once, so branch depths and block
 * types of the original code are untouched. In {@link Mode#LOCAL} one {@code i64} local is appended
 * after the existing locals.
 */
final class FunctionMeterer {

  /** Where the running fuel count lives while the function executes. */
  enum Mode {
    /**
     * In the appended local: loaded from the global at entry and after each call, written back
     * before each call, each exit and each trap. The fast mode.
     */
    LOCAL,
    /**
     * In the global, updated by every charge; no local is added. Used for coarse metering (few
     * charges), when an exception caught by {@code try_table} could land in this function with a
     * stale local, and for functions that tail-call themselves: Chicory 1.7.5's interpreter reuses
     * the frame for a self {@code return_call} and fails if the function declares locals.
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

    int n = code.size();
    int depth = 0;
    for (int i = 0; i < n; i++) {
      Instruction in = code.get(i);
      OpCode op = in.opcode();
      if (plan.cost()[i] > 0 || plan.check()[i] || (i == 0 && mode == Mode.LOCAL)) {
        charge(i == 0 && !fuelParam, plan.cost()[i], plan.check()[i]);
      }
      boolean direct = op == OpCode.CALL || op == OpCode.RETURN_CALL;
      boolean passFuel = direct && calleeTakesFuel.test((int) in.operand(0));
      boolean returns = Opcodes.CALLS.contains(op);
      if (passFuel) {
        pushFuel();
      } else if (returns || mustWriteBack(in, depth, i == n - 1)) {
        writeBack();
      }
      int end = i + 1 < n ? code.get(i + 1).address() : bodyEnd;
      if (fuelParam && Opcodes.LOCAL_ACCESS.contains(op) && in.operand(0) >= paramCount) {
        // declared locals move up by one behind the fuel parameter
        out.u8(op.opcode()).u32(in.operand(0) + 1);
      } else {
        out.bytes(wasm, in.address(), end);
      }
      if (returns) {
        afterCall(plan.checkAfterCalls());
      }
      if (Opcodes.OPENS_CONSTRUCT.contains(op)) {
        depth++;
      } else if (op == OpCode.END) {
        depth--;
      }
    }
  }

  /**
   * Whether the local must be written to the global before this instruction: it leaves the function
   * (return, tail call, branch to the function's own label, the final end, a throw) or traps on
   * purpose ({@code unreachable}), after which the host reads the global.
   */
  private static boolean mustWriteBack(Instruction in, int depth, boolean last) {
    OpCode op = in.opcode();
    return switch (op) {
      case RETURN,
          UNREACHABLE,
          THROW,
          THROW_REF,
          RETURN_CALL,
          RETURN_CALL_INDIRECT,
          RETURN_CALL_REF ->
          true;
      case BR, BR_IF -> in.operand(0) == depth;
      case BR_TABLE -> targetsDepth(in.operands(), depth);
      case BR_ON_NULL, BR_ON_NON_NULL, BR_ON_CAST, BR_ON_CAST_FAIL -> true;
      default -> last;
    };
  }

  private static boolean targetsDepth(long[] labels, int depth) {
    for (long label : labels) {
      if (label == depth) {
        return true;
      }
    }
    return false;
  }

  private void copyLocalsPlusFuelLocal(int bodyStart, int firstInstruction) {
    WasmReader in = new WasmReader(wasm, bodyStart);
    int groups = in.u32();
    out.u32(groups + 1L);
    out.bytes(wasm, in.pos(), firstInstruction);
    out.u32(1).u8(I64);
  }

  /** Subtracts {@code cost}; with {@code check}, traps if the result is negative. */
  private void charge(boolean entry, long cost, boolean check) {
    if (mode == Mode.LOCAL) {
      out.u8(entry ? GLOBAL_GET : LOCAL_GET).u32(entry ? fuelGlobal : fuelLocal);
      if (cost > 0) {
        out.u8(I64_CONST).s64(cost).u8(I64_SUB);
      }
      if (check) {
        out.u8(LOCAL_TEE).u32(fuelLocal);
        trapIfNegative(true);
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
      trapIfNegative(false);
    }
  }

  /**
   * Consumes the fuel value on the stack; traps if negative, first storing the local in the global
   * when {@code publishLocal} so that the host sees the negative remainder.
   */
  private void trapIfNegative(boolean publishLocal) {
    out.u8(I64_CONST).u8(0).u8(I64_LT_S).u8(IF).u8(EMPTY_BLOCK_TYPE);
    if (publishLocal) {
      out.u8(LOCAL_GET).u32(fuelLocal).u8(GLOBAL_SET).u32(fuelGlobal);
    }
    out.u8(UNREACHABLE).u8(Opcodes.END);
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

  /** The callee left the remaining fuel in the global: pick it up and trap if it ran out. */
  private void afterCall(boolean check) {
    if (mode == Mode.LOCAL) {
      out.u8(GLOBAL_GET).u32(fuelGlobal);
      if (check) {
        out.u8(LOCAL_TEE).u32(fuelLocal);
        trapIfNegative(false);
      } else {
        out.u8(LOCAL_SET).u32(fuelLocal);
      }
    } else if (check) {
      out.u8(GLOBAL_GET).u32(fuelGlobal);
      trapIfNegative(false);
    }
  }
}
