package dev.serverlessrunner.engine.sandbox;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import dev.serverlessrunner.engine.load.WasiImports;
import java.util.List;

/**
 * Replacements for WASI {@code fd_read}, {@code fd_pread} and {@code fd_write} on the guest's three
 * standard streams. Chicory's own {@code fd_read} allocates {@code new byte[iov_len]} from the
 * guest-supplied length before any check (a 64 KiB guest can ask for 2 GiB); these validate every
 * iovec against the memory bounds first and then copy straight between the request body, guest
 * memory and the bounded outputs, allocating nothing proportional to what the guest asks.
 *
 * <p>The sandbox has no preopened directories, so no descriptor other than 0, 1 and 2 can exist.
 */
final class GuestStdio {

  static final int ESUCCESS = 0;
  static final int EBADF = 8;
  static final int EFAULT = 21;
  static final int EIO = 29;
  static final int ESPIPE = 70;

  private static final int STDIN = 0;
  private static final int STDOUT = 1;
  private static final int STDERR = 2;
  private static final int IOVEC_SIZE = 8;

  private final byte[] stdin;
  private int stdinPosition;
  private final BoundedOutput stdout;
  private final BoundedOutput stderr;

  GuestStdio(byte[] stdin, BoundedOutput stdout, BoundedOutput stderr) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Bytes of the request body the guest has not read yet. */
  int stdinRemaining() {
    return stdin.length - stdinPosition;
  }

  /** The three host functions, to be used instead of WASI's own. */
  List<HostFunction> hostFunctions() {
    var signatures = WasiImports.signatures();
    return List.of(
        new HostFunction(
            WasiImports.MODULE,
            "fd_read",
            signatures.get("fd_read"),
            (instance, args) ->
                result(
                    fdRead(
                        memory(instance),
                        (int) args[0],
                        (int) args[1],
                        (int) args[2],
                        (int) args[3]))),
        new HostFunction(
            WasiImports.MODULE,
            "fd_pread",
            signatures.get("fd_pread"),
            (instance, args) -> result(fdPread((int) args[0]))),
        new HostFunction(
            WasiImports.MODULE,
            "fd_write",
            signatures.get("fd_write"),
            (instance, args) ->
                result(
                    fdWrite(
                        memory(instance),
                        (int) args[0],
                        (int) args[1],
                        (int) args[2],
                        (int) args[3]))));
  }

  int fdRead(Memory memory, int fd, int iovs, int iovsLen, int nreadPtr) {
    if (fd != STDIN) {
      return EBADF;
    }
    if (!iovecsInBounds(memory, iovs, iovsLen) || !inBounds(memory, nreadPtr, 4)) {
      return EFAULT;
    }
    int total = 0;
    for (int i = 0; i < iovsLen && stdinPosition < stdin.length; i++) {
      int address = memory.readInt(iovs + i * IOVEC_SIZE);
      long length = Integer.toUnsignedLong(memory.readInt(iovs + i * IOVEC_SIZE + 4));
      int count = (int) Math.min(length, stdin.length - stdinPosition);
      memory.write(address, stdin, stdinPosition, count);
      stdinPosition += count;
      total += count;
    }
    memory.writeI32(nreadPtr, total);
    return ESUCCESS;
  }

  static int fdPread(int fd) {
    return fd == STDIN || fd == STDOUT || fd == STDERR ? ESPIPE : EBADF;
  }

  int fdWrite(Memory memory, int fd, int iovs, int iovsLen, int nwrittenPtr) {
    BoundedOutput out =
        switch (fd) {
          case STDOUT -> stdout;
          case STDERR -> stderr;
          default -> null;
        };
    if (out == null) {
      return EBADF;
    }
    if (!iovecsInBounds(memory, iovs, iovsLen) || !inBounds(memory, nwrittenPtr, 4)) {
      return EFAULT;
    }
    long total = 0;
    boolean refused = false;
    for (int i = 0; i < iovsLen; i++) {
      int address = memory.readInt(iovs + i * IOVEC_SIZE);
      int length = memory.readInt(iovs + i * IOVEC_SIZE + 4);
      if (length == 0) {
        continue;
      }
      int accepted = out.appendFrom(memory, address, length);
      total += accepted;
      if (accepted < length) {
        refused = true;
        break;
      }
    }
    if (refused && total == 0) {
      return EIO;
    }
    memory.writeI32(nwrittenPtr, (int) total);
    return ESUCCESS;
  }

  /** Checks the iovec array and every buffer it describes lie inside guest memory. */
  private static boolean iovecsInBounds(Memory memory, int iovs, int iovsLen) {
    long count = Integer.toUnsignedLong(iovsLen);
    if (!inBounds(memory, iovs, count * IOVEC_SIZE)) {
      return false;
    }
    long total = 0;
    for (int i = 0; i < count; i++) {
      int address = memory.readInt(iovs + i * IOVEC_SIZE);
      long length = Integer.toUnsignedLong(memory.readInt(iovs + i * IOVEC_SIZE + 4));
      total += length;
      if (!inBounds(memory, address, length) || total > Integer.MAX_VALUE) {
        return false;
      }
    }
    return true;
  }

  private static boolean inBounds(Memory memory, int address, long length) {
    long start = Integer.toUnsignedLong(address);
    return start + length <= (long) memory.pages() * Memory.PAGE_SIZE;
  }

  private static Memory memory(Instance instance) {
    return instance.memory();
  }

  private static long[] result(int errno) {
    return new long[] {errno};
  }
}
