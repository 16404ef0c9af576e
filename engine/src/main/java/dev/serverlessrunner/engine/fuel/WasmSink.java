package dev.serverlessrunner.engine.fuel;

import java.util.Arrays;

/** A growable byte buffer with the LEB128 encodings of the Wasm binary format. */
final class WasmSink {

  private byte[] buf;
  private int size;

  WasmSink(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  int size() {
    return size;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  WasmSink u8(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  WasmSink u32(long value) {
    long v = value;
    do {
      int low = (int) (v & 0x7f);
      v >>>= 7;
      u8(v != 0 ? low | 0x80 : low);
    } while (v != 0);
    return this;
  }

  WasmSink s64(long value) {
    long v = value;
    while (true) {
      int low = (int) (v & 0x7f);
      v >>= 7;
      boolean done = (v == 0 && (low & 0x40) == 0) || (v == -1 && (low & 0x40) != 0);
      u8(done ? low : low | 0x80);
      if (done) {
        return this;
      }
    }
  }

  WasmSink bytes(byte[] src, int from, int to) {
    int len = to - from;
    ensure(len);
    System.arraycopy(src, from, buf, size, len);
    size += len;
    return this;
  }

  WasmSink bytes(byte[] src) {
    return bytes(src, 0, src.length);
  }

  /** Appends a section: its id, its size and its contents. */
  WasmSink section(int id, WasmSink contents) {
    u8(id);
    u32(contents.size);
    ensure(contents.size);
    System.arraycopy(contents.buf, 0, buf, size, contents.size);
    size += contents.size;
    return this;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
