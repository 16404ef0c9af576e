package dev.serverlessrunner.engine.sandbox;

import com.dylibso.chicory.runtime.Memory;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * An in-memory stdout/stderr that keeps at most {@code cap} bytes. Past the cap it keeps what fits,
 * remembers that output was truncated and refuses every further write, so the guest sees EIO
 * instead of the host buffering without bound.
 */
public final class BoundedOutput extends OutputStream {

  private static final int INITIAL_CAPACITY = 256;

  private final int cap;
  private byte[] buffer = new byte[0];
  private int size;
  private boolean truncated;

  public BoundedOutput(int cap) {
    this.cap = cap;
  }

  /** Whether the guest tried to write more than the cap. */
  public boolean truncated() {
    return truncated;
  }

  /** Bytes that can still be written. */
  public int remaining() {
    return cap - size;
  }

  /** A copy of what was kept. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  /**
   * Appends up to {@code length} bytes of guest memory at {@code address}, which the caller has
   * bounds-checked; returns how many were kept (fewer than asked once the cap is reached).
   */
  int appendFrom(Memory memory, int address, int length) {
    int accepted = Math.min(length, remaining());
    if (accepted < length) {
      truncated = true;
    }
    if (accepted > 0) {
      ensureCapacity(size + accepted);
      System.arraycopy(memory.readBytes(address, accepted), 0, buffer, size, accepted);
      size += accepted;
    }
    return accepted;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    int accepted = Math.min(length, remaining());
    if (accepted > 0) {
      ensureCapacity(size + accepted);
      System.arraycopy(bytes, offset, buffer, size, accepted);
      size += accepted;
    }
    if (accepted < length) {
      truncated = true;
      throw new IOException("output cap of " + cap + " bytes reached");
    }
  }

  private void ensureCapacity(int needed) {
    if (needed > buffer.length) {
      int grown = Math.max(INITIAL_CAPACITY, buffer.length * 2);
      buffer = Arrays.copyOf(buffer, Math.min(cap, Math.max(grown, needed)));
    }
  }
}
