package dev.serverlessrunner.engine.fuel;

/** A cursor over a Wasm binary that decodes unsigned LEB128 integers. */
final class WasmReader {

  private final byte[] bytes;
  private int pos;

  WasmReader(byte[] bytes, int pos) {
    this.bytes = bytes;
    this.pos = pos;
  }

  int pos() {
    return pos;
  }

  void skip(int count) {
    pos += count;
  }

  int u8() {
    requireAvailable(1);
    return bytes[pos++] & 0xff;
  }

  int u32() {
    long result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = u8();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (result > Integer.MAX_VALUE) {
          throw new FuelMeteringException("LEB128 value too large at offset " + (pos - 1));
        }
        return (int) result;
      }
    }
    throw new FuelMeteringException("malformed LEB128 integer at offset " + pos);
  }

  private void requireAvailable(int count) {
    if (pos + count > bytes.length) {
      throw new FuelMeteringException("unexpected end of module at offset " + pos);
    }
  }
}
