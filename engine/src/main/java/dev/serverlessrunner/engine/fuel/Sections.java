package dev.serverlessrunner.engine.fuel;

import java.util.ArrayList;
import java.util.List;

/** Splits a Wasm binary into its top-level sections and knows their canonical order. */
final class Sections {

  static final int CUSTOM = 0;
  static final int TYPE = 1;
  static final int IMPORT = 2;
  static final int FUNCTION = 3;
  static final int GLOBAL = 6;
  static final int EXPORT = 7;
  static final int CODE = 10;

  /** Bytes of magic number and version that precede the first section. */
  static final int HEADER_SIZE = 8;

  /** One section: its id and the range {@code [start, end)} of its contents. */
  record Section(int id, int start, int end) {}

  private Sections() {}

  static List<Section> split(byte[] wasm) {
    List<Section> sections = new ArrayList<>();
    WasmReader in = new WasmReader(wasm, HEADER_SIZE);
    while (in.pos() < wasm.length) {
      int id = in.u8();
      int size = in.u32();
      int start = in.pos();
      if (size > wasm.length - start) {
        throw new FuelMeteringException(
            "section " + id + " at offset " + start + " runs past the end of the module");
      }
      sections.add(new Section(id, start, start + size));
      in.skip(size);
    }
    return sections;
  }

  /**
   * Position of a known section id in the order the binary format requires (the tag section sits
   * between memory and global, data count before code); custom sections may appear anywhere.
   */
  static int rank(int id) {
    return switch (id) {
      case 1, 2, 3, 4, 5 -> id;
      case 13 -> 6;
      case 6 -> 7;
      case 7 -> 8;
      case 8 -> 9;
      case 9 -> 10;
      case 12 -> 11;
      case 10 -> 12;
      case 11 -> 13;
      default -> throw new FuelMeteringException("unknown section id " + id);
    };
  }
}
