package dev.serverlessrunner.engine.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-assembled minimal modules for policy cases no guest in the corpus covers. */
public final class TinyModules {

  private TinyModules() {}

  /**
   * A WASI-command-shaped module (one memory page, {@code _start}) that imports a function {@code
   * () -> ()} named {@code module.name}.
   */
  public static byte[] importing(String module, String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
    section(out, 1, bytes(1, 0x60, 0, 0)); // one type: () -> ()
    ByteArrayOutputStream imports = new ByteArrayOutputStream();
    imports.write(1);
    string(imports, module);
    string(imports, name);
    imports.writeBytes(bytes(0x00, 0)); // function of type 0
    section(out, 2, imports.toByteArray());
    section(out, 3, bytes(1, 0)); // one function of type 0
    section(out, 5, bytes(1, 0, 1)); // one memory, min 1 page
    ByteArrayOutputStream exports = new ByteArrayOutputStream();
    exports.write(1);
    string(exports, "_start");
    exports.writeBytes(bytes(0x00, 1)); // function 1 (0 is the import)
    section(out, 7, exports.toByteArray());
    section(out, 10, bytes(1, 2, 0, 0x0b)); // body: no locals, end
    return out.toByteArray();
  }

  /**
   * A WASI-command-shaped module whose {@code _start} does {@code loads} times {@code i32.load 0;
   * drop}: a few bytes of Wasm each, but enough JVM bytecode in total to pass the JVM's 64 KiB
   * method limit once there are several thousand.
   */
  public static byte[] hugeFunction(int loads) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(0); // no locals
    for (int i = 0; i < loads; i++) {
      body.writeBytes(bytes(0x41, 0, 0x28, 2, 0, 0x1a)); // i32.const 0, i32.load, drop
    }
    body.write(0x0b);
    ByteArrayOutputStream code = new ByteArrayOutputStream();
    code.write(1);
    leb(code, body.size());
    code.writeBytes(body.toByteArray());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
    section(out, 1, bytes(1, 0x60, 0, 0));
    section(out, 3, bytes(1, 0));
    section(out, 5, bytes(1, 0, 1));
    ByteArrayOutputStream exports = new ByteArrayOutputStream();
    exports.write(1);
    string(exports, "_start");
    exports.writeBytes(bytes(0x00, 0));
    section(out, 7, exports.toByteArray());
    section(out, 10, code.toByteArray());
    return out.toByteArray();
  }

  private static void section(ByteArrayOutputStream out, int id, byte[] content) {
    out.write(id);
    leb(out, content.length);
    out.writeBytes(content);
  }

  private static void leb(ByteArrayOutputStream out, int value) {
    int rest = value;
    do {
      int low = rest & 0x7f;
      rest >>>= 7;
      out.write(rest == 0 ? low : low | 0x80);
    } while (rest != 0);
  }

  private static void string(ByteArrayOutputStream out, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.write(utf8.length);
    out.writeBytes(utf8);
  }

  private static byte[] bytes(int... values) {
    byte[] result = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = (byte) values[i];
    }
    return result;
  }
}
