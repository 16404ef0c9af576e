package dev.serverlessrunner.engine.fuel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Assembles small Wasm modules byte by byte for tests that need an exact instruction count. */
final class TinyModule {

  static final int I32 = 0x7F;
  static final int I64 = 0x7E;

  private final List<byte[]> types = new ArrayList<>();
  private final List<byte[]> imports = new ArrayList<>();
  private final List<Integer> functionTypes = new ArrayList<>();
  private final List<byte[]> bodies = new ArrayList<>();
  private final List<byte[]> globals = new ArrayList<>();
  private final List<byte[]> exports = new ArrayList<>();
  private final List<byte[]> customs = new ArrayList<>();
  private Integer start;
  private boolean memory;
  private int[] tableElements;

  /** Adds a function type and returns its index. */
  int type(int[] params, int[] results) {
    Bytes b = new Bytes().u8(0x60).u32(params.length);
    for (int p : params) {
      b.u8(p);
    }
    b.u32(results.length);
    for (int r : results) {
      b.u8(r);
    }
    types.add(b.toArray());
    return types.size() - 1;
  }

  TinyModule importFunction(String module, String name, int type) {
    imports.add(new Bytes().name(module).name(name).u8(0x00).u32(type).toArray());
    return this;
  }

  TinyModule importGlobal(String module, String name, int valType, boolean mutable) {
    imports.add(
        new Bytes().name(module).name(name).u8(0x03).u8(valType).u8(mutable ? 1 : 0).toArray());
    return this;
  }

  /** Adds a function with no extra locals; {@code code} ends with its own {@code end} (0x0B). */
  TinyModule function(int type, int... code) {
    return function(type, new int[0], code);
  }

  /** Adds a function declaring one local of each type in {@code locals}. */
  TinyModule function(int type, int[] locals, int... code) {
    Bytes body = new Bytes().u32(locals.length);
    for (int l : locals) {
      body.u32(1).u8(l);
    }
    for (int c : code) {
      body.u8(c);
    }
    functionTypes.add(type);
    bodies.add(body.toArray());
    return this;
  }

  TinyModule globalI32(boolean mutable, int value) {
    globals.add(new Bytes().u8(I32).u8(mutable ? 1 : 0).u8(0x41).s32(value).u8(0x0B).toArray());
    return this;
  }

  TinyModule exportFunction(String name, int index) {
    exports.add(new Bytes().name(name).u8(0x00).u32(index).toArray());
    return this;
  }

  TinyModule exportGlobal(String name, int index) {
    exports.add(new Bytes().name(name).u8(0x03).u32(index).toArray());
    return this;
  }

  /** A funcref table holding exactly these functions, from index 0. */
  TinyModule table(int... functions) {
    tableElements = functions;
    return this;
  }

  TinyModule memory() {
    memory = true;
    return this;
  }

  TinyModule start(int function) {
    start = function;
    return this;
  }

  TinyModule custom(String name, byte[] payload) {
    customs.add(new Bytes().name(name).bytes(payload).toArray());
    return this;
  }

  byte[] build() {
    Bytes m = new Bytes().bytes(new byte[] {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00});
    vectorSection(m, 1, types);
    vectorSection(m, 2, imports);
    if (!functionTypes.isEmpty()) {
      Bytes f = new Bytes().u32(functionTypes.size());
      functionTypes.forEach(f::u32);
      m.section(3, f.toArray());
    }
    if (tableElements != null) {
      m.section(4, new Bytes().u32(1).u8(0x70).u8(0x00).u32(tableElements.length).toArray());
    }
    if (memory) {
      m.section(5, new Bytes().u32(1).u8(0x00).u32(1).toArray());
    }
    vectorSection(m, 6, globals);
    vectorSection(m, 7, exports);
    if (start != null) {
      m.section(8, new Bytes().u32(start).toArray());
    }
    if (tableElements != null) {
      Bytes e = new Bytes().u32(1).u8(0x00).u8(0x41).u8(0x00).u8(0x0B).u32(tableElements.length);
      for (int f : tableElements) {
        e.u32(f);
      }
      m.section(9, e.toArray());
    }
    for (byte[] custom : customs) {
      m.section(0, custom);
    }
    if (!bodies.isEmpty()) {
      Bytes c = new Bytes().u32(bodies.size());
      for (byte[] body : bodies) {
        c.u32(body.length).bytes(body);
      }
      m.section(10, c.toArray());
    }
    return m.toArray();
  }

  private static void vectorSection(Bytes module, int id, List<byte[]> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Bytes s = new Bytes().u32(entries.size());
    entries.forEach(s::bytes);
    module.section(id, s.toArray());
  }

  /** Byte output with LEB128 helpers. */
  static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int b) {
      out.write(b);
      return this;
    }

    Bytes u32(int v) {
      int x = v;
      do {
        int low = x & 0x7f;
        x >>>= 7;
        out.write(x != 0 ? low | 0x80 : low);
      } while (x != 0);
      return this;
    }

    Bytes s32(int v) {
      int x = v;
      while (true) {
        int low = x & 0x7f;
        x >>= 7;
        boolean done = (x == 0 && (low & 0x40) == 0) || (x == -1 && (low & 0x40) != 0);
        out.write(done ? low : low | 0x80);
        if (done) {
          return this;
        }
      }
    }

    Bytes bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Bytes name(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return u32(b.length).bytes(b);
    }

    Bytes section(int id, byte[] contents) {
      return u8(id).u32(contents.length).bytes(contents);
    }

    byte[] toArray() {
      return out.toByteArray();
    }
  }
}
