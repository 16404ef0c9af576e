package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.wasm.types.OpCode;
import java.util.EnumSet;
import java.util.Set;

/** Classification of Wasm opcodes by their effect on control flow, and the bytes we emit. */
final class Opcodes {

  static final int UNREACHABLE = 0x00;
  static final int IF = 0x04;
  static final int END = 0x0B;
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
   * Instructions after which a new basic block starts: the next instruction is a branch target
   * (after {@code loop}, {@code else}, {@code end}), is skipped when a condition fails (after
   * {@code if}), or is the fall-through of a branch, or is dead code.
   */
  static final Set<OpCode> ENDS_BASIC_BLOCK =
      EnumSet.of(
          OpCode.LOOP,
          OpCode.IF,
          OpCode.ELSE,
          OpCode.END,
          OpCode.BR,
          OpCode.BR_IF,
          OpCode.BR_TABLE,
          OpCode.BR_ON_NULL,
          OpCode.BR_ON_NON_NULL,
          OpCode.BR_ON_CAST,
          OpCode.BR_ON_CAST_FAIL,
          OpCode.RETURN,
          OpCode.RETURN_CALL,
          OpCode.RETURN_CALL_INDIRECT,
          OpCode.RETURN_CALL_REF,
          OpCode.UNREACHABLE,
          OpCode.THROW,
          OpCode.THROW_REF);

  /**
   * Typed-reference branches; their label operand position differs by opcode, so a function that
   * uses them writes the fuel back before each one as if it left the function.
   */
  static final Set<OpCode> REFERENCE_BRANCHES =
      EnumSet.of(
          OpCode.BR_ON_NULL, OpCode.BR_ON_NON_NULL, OpCode.BR_ON_CAST, OpCode.BR_ON_CAST_FAIL);

  private Opcodes() {}
}
