package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.wasm.types.CatchOpCode;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Where a function body is charged and checked, for exact per-basic-block metering.
 *
 * <p>Positions are gaps between instructions: position {@code p} is right before instruction {@code
 * p}; position {@code n} (one past the final {@code end}) is right after the body's own label, used
 * only when {@link #bodyLabelTargeted()}. {@code cost[p]} fuel is subtracted at position {@code p};
 * where {@code check[p]} is set the function traps there if the fuel went negative.
 *
 * <p>A basic block is a maximal run of instructions entered only at its first instruction (its
 * leader) and left only after its last, so every instruction of a block executes whenever the block
 * is entered (unless something traps). Leaders are: the first instruction; the instruction after
 * every {@code loop}, {@code if}, {@code else}, branch, call, {@code return}, {@code unreachable}
 * and {@code throw}; and the {@code end} of every {@code if} and of every {@code block}/{@code
 * try_table}/function that some branch targets (a branch to such a label executes its {@code end},
 * as in Chicory's interpreter). A block is charged at its leader, except a block led by an {@code
 * end}: that one is charged right after the {@code end}, where both the fall-through and every
 * branch to the label arrive.
 *
 * @param bodyLabelTargeted whether a branch targets the function's own label, so the final {@code
 *     end} is a leader reached by branches and the body needs a wrapping block to charge it
 */
record ChargePlan(long[] cost, boolean[] check, boolean bodyLabelTargeted) {

  /** Whether any position traps when the fuel is negative. */
  boolean hasChecks() {
    for (boolean c : check) {
      if (c) {
        return true;
      }
    }
    return false;
  }

  /**
   * Exact metering: each basic block is charged its instruction count when entered. Checks sit at
   * the function entry (only when {@code checkEntry}) and at the start of every loop body, except a
   * loop whose first block ends in a direct call to a function that checks at its own entry ({@code
   * checksAtEntry}): every iteration passes that check already.
   */
  static ChargePlan perBasicBlock(
      List<? extends Instruction> body, boolean checkEntry, IntPredicate checksAtEntry) {
    int n = body.size();
    boolean[] leader = new boolean[n + 1];
    boolean[] loopStart = new boolean[n + 1];
    OpCode[] open = new OpCode[n + 1]; // open constructs; index 0 is the function itself
    boolean[] targeted = new boolean[n + 1];
    int depth = 0;
    leader[0] = true;
    for (int i = 0; i < n; i++) {
      Instruction in = body.get(i);
      OpCode op = in.opcode();
      switch (op) {
        case BLOCK -> {
          open[++depth] = op;
          targeted[depth] = false;
        }
        case TRY_TABLE -> {
          // catch labels are relative to the context around the try_table
          for (CatchOpCode.Catch c : CatchOpCode.decode(in.operands())) {
            targeted[depth - c.label()] = true;
          }
          open[++depth] = op;
          targeted[depth] = false;
        }
        case LOOP -> {
          open[++depth] = op;
          targeted[depth] = false;
          leader[i + 1] = true;
          loopStart[i + 1] = true;
        }
        case IF -> {
          open[++depth] = op;
          targeted[depth] = false;
          leader[i + 1] = true;
        }
        case ELSE -> leader[i + 1] = true;
        case END -> {
          if (depth == 0) {
            leader[i] |= targeted[0];
          } else {
            if (open[depth] != OpCode.LOOP && (targeted[depth] || open[depth] == OpCode.IF)) {
              leader[i] = true;
            }
            depth--;
          }
        }
        case BR, BR_IF, BR_ON_NULL, BR_ON_NON_NULL -> {
          targeted[depth - (int) in.operand(0)] = true;
          leader[i + 1] = true;
        }
        case BR_ON_CAST, BR_ON_CAST_FAIL -> {
          targeted[depth - (int) in.operand(1)] = true;
          leader[i + 1] = true;
        }
        case BR_TABLE -> {
          for (long label : in.operands()) {
            targeted[depth - (int) label] = true;
          }
          leader[i + 1] = true;
        }
        case RETURN,
            UNREACHABLE,
            THROW,
            THROW_REF,
            CALL,
            CALL_INDIRECT,
            CALL_REF,
            RETURN_CALL,
            RETURN_CALL_INDIRECT,
            RETURN_CALL_REF ->
            leader[i + 1] = true;
        default -> {}
      }
    }
    boolean bodyTargeted = targeted[0];

    long[] cost = new long[n + 1];
    boolean[] check = new boolean[n + 1];
    check[0] = checkEntry;
    int start = 0;
    for (int i = 1; i <= n; i++) {
      if (i == n || leader[i]) {
        cost[position(body, start, n, bodyTargeted)] += i - start;
        Instruction last = body.get(i - 1);
        boolean callChecks =
            last.opcode() == OpCode.CALL && checksAtEntry.test((int) last.operand(0));
        if (loopStart[start] && !callChecks) {
          check[position(body, start, n, bodyTargeted)] = true;
        }
        start = i;
      }
    }
    return new ChargePlan(cost, check, bodyTargeted);
  }

  /** Where the block led by instruction {@code leader} is charged. */
  private static int position(
      List<? extends Instruction> body, int leader, int n, boolean bodyTargeted) {
    if (leader == 0 || body.get(leader).opcode() != OpCode.END) {
      return leader;
    }
    if (leader == n - 1) {
      return bodyTargeted ? n : n - 1;
    }
    return leader + 1;
  }
}
