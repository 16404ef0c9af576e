package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.List;

/**
 * Where a function body is charged and checked: {@code cost[i]} fuel is subtracted right before
 * instruction {@code i}, and where {@code check[i]} is set the function traps there if the fuel
 * went negative; with {@code checkAfterCalls} also right after every call returns.
 */
record ChargePlan(long[] cost, boolean[] check, boolean checkAfterCalls) {

  /**
   * Exact metering: each basic block is charged its instruction count when entered. Checks sit at
   * the function entry (only when {@code checkEntry}) and at every loop header.
   */
  static ChargePlan perBasicBlock(List<? extends Instruction> body, boolean checkEntry) {
    int n = body.size();
    long[] cost = new long[n];
    boolean[] check = new boolean[n];
    check[0] = checkEntry;
    int leader = 0;
    for (int i = 0; i < n; i++) {
      OpCode op = body.get(i).opcode();
      if (i == n - 1 || Opcodes.ENDS_BASIC_BLOCK.contains(op)) {
        cost[leader] = i - leader + 1;
        leader = i + 1;
      }
      if (op == OpCode.LOOP) {
        check[i + 1] = true;
      }
    }
    return new ChargePlan(cost, check, true);
  }

  /**
   * Coarse metering for oversized functions: every instruction is attributed to its innermost
   * enclosing loop (or to the function), and that loop's header (or the function entry) charges the
   * sum, checked, once per iteration. An instruction runs at most once between two entries of its
   * loop header, so this is an upper bound of the exact count; it is deterministic and adds code
   * only at loop headers and the entry.
   */
  static ChargePlan perLoopIteration(List<? extends Instruction> body, boolean checkEntry) {
    int n = body.size();
    long[] scopeCost = new long[n + 1];
    int[] scopeHeader = new int[n + 1];
    int[] open = new int[n + 1]; // scope id of each open construct, innermost last
    int depth = 0;
    int scopes = 1; // scope 0 is the function body itself
    for (int i = 0; i < n; i++) {
      OpCode op = body.get(i).opcode();
      if (op == OpCode.END && depth > 0) {
        depth--; // the end of a loop runs once per loop entry: it belongs to the outer scope
      }
      int current = depth == 0 ? 0 : open[depth - 1];
      scopeCost[current]++;
      if (op == OpCode.LOOP) {
        scopeHeader[scopes] = i + 1;
        open[depth++] = scopes++;
      } else if (Opcodes.OPENS_CONSTRUCT.contains(op)) {
        open[depth++] = current;
      }
    }
    long[] cost = new long[n];
    boolean[] check = new boolean[n];
    cost[0] = scopeCost[0];
    check[0] = checkEntry;
    for (int s = 1; s < scopes; s++) {
      cost[scopeHeader[s]] = scopeCost[s];
      check[scopeHeader[s]] = true;
    }
    return new ChargePlan(cost, check, false);
  }
}
