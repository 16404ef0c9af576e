package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.wasm.types.OpCode;
import java.util.EnumSet;
import java.util.Set;

/** Classification of Wasm opcodes by their effect on control flow, and the bytes we emit. */
final class Opcodes {

  static final int UNREACHABLE = 0x00;
  static final int BLOCK = 0x02;
  static final int END = 0x0B;
  static final int BR_IF = 0x0D;
  static final int RETURN = 0x0F;
  static final int LOCAL_GET = 0x20;
  static final int LOCAL_SET = 0x21;
  static final int LOCAL_TEE = 0x22;
  static final int GLOBAL_GET = 0x23;
  static final int GLOBAL_SET = 0x24;
  static final int I64_CONST = 0x42;
  static final int I64_LT_S = 0x53;
  static final int I64_SUB = 0x7D;
  static final int EMPTY_BLOCK_TYPE = 0x40;
  static final int I64 = 0x7E;

  /** Calls that return to the caller (after which the callee's consumption must be reloaded). */
  static final Set<OpCode> CALLS = EnumSet.of(OpCode.CALL, OpCode.CALL_INDIRECT, OpCode.CALL_REF);

  /** Tail calls: they leave the function, so the fuel must be written back before them. */
  static final Set<OpCode> TAIL_CALLS =
      EnumSet.of(OpCode.RETURN_CALL, OpCode.RETURN_CALL_INDIRECT, OpCode.RETURN_CALL_REF);

  /** Instructions whose immediate is a local index. */
  static final Set<OpCode> LOCAL_ACCESS =
      EnumSet.of(OpCode.LOCAL_GET, OpCode.LOCAL_SET, OpCode.LOCAL_TEE);

  /** Instructions that open a construct closed by {@code end}. */
  static final Set<OpCode> OPENS_CONSTRUCT =
      EnumSet.of(OpCode.BLOCK, OpCode.LOOP, OpCode.IF, OpCode.TRY_TABLE);

  /**
   * Instructions after which the host or another function reads the fuel global: calls that do not
   * take the fuel as an argument, and everything that leaves the function or traps on purpose.
   */
  static final Set<OpCode> LEAVES_WITH_FUEL_IN_GLOBAL =
      EnumSet.of(
          OpCode.CALL,
          OpCode.CALL_INDIRECT,
          OpCode.CALL_REF,
          OpCode.RETURN,
          OpCode.UNREACHABLE,
          OpCode.THROW,
          OpCode.THROW_REF,
          OpCode.RETURN_CALL,
          OpCode.RETURN_CALL_INDIRECT,
          OpCode.RETURN_CALL_REF);

  private Opcodes() {}
}
