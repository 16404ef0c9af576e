package dev.serverlessrunner.runner.engine.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-assembled minimal modules for policy cases no guest in the corpus covers. */
final class TinyModules {

  private TinyModules() {}

  /**
   * A WASI-command-shaped module (one memory page, {@code _start}) that imports a function {@code
   * () -> ()} named {@code module.name}.
   */
  static byte[] importing(String module, String name) {
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

  private static void section(ByteArrayOutputStream out, int id, byte[] content) {
    out.write(id);
    out.write(content.length); // every section here is shorter than 128 bytes
    out.writeBytes(content);
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
