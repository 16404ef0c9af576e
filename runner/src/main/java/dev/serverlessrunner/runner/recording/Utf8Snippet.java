package dev.serverlessrunner.runner.recording;

import java.nio.charset.StandardCharsets;

/**
 * Cuts the head of a guest's output to a byte budget without splitting a UTF-8 character.
 *
 * <p>Guest output is arbitrary bytes, but the snippet lands in a PostgreSQL {@code text} column,
 * which rejects malformed UTF-8 and NUL. So malformed sequences become U+FFFD and NUL becomes
 * U+FFFD too: the snippet is for humans reading a record, and {@code stdout_bytes} keeps the true
 * size. Replacement characters take three bytes, so the cut is re-checked after decoding and the
 * snippet never exceeds the budget in UTF-8.
 */
public final class Utf8Snippet {

  /** The snippet budget of the execution record, in bytes of UTF-8. */
  public static final int MAX_BYTES = 2048;

  private static final char REPLACEMENT = '\uFFFD';

  private Utf8Snippet() {}

  /** The first at most {@code maxBytes} bytes of {@code bytes[0, length)}, as valid text. */
  public static String of(byte[] bytes, int length, int maxBytes) {
    if (length < 0 || length > bytes.length) {
      throw new IllegalArgumentException("length " + length + " outside [0, " + bytes.length + "]");
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
    }
    int end = boundaryAtOrBefore(bytes, Math.min(length, maxBytes), length);
    String text = decode(bytes, end);
    return fitToBudget(text, maxBytes);
  }

  /**
   * Replaces NUL, which PostgreSQL {@code text} cannot hold, in a string bound for the database.
   */
  public static String withoutNul(String text) {
    return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', REPLACEMENT);
  }

  /**
   * Moves {@code end} back so it does not fall inside a well-formed multi-byte sequence. A
   * continuation byte run that does not belong to a valid lead is malformed anyway and is left to
   * the decoder.
   */
  private static int boundaryAtOrBefore(byte[] bytes, int end, int length) {
    if (end >= length) {
      return length;
    }
    int lead = end;
    // A UTF-8 character is at most 4 bytes, so its lead is at most 3 bytes before the cut.
    while (lead > 0 && end - lead < 3 && isContinuation(bytes[lead])) {
      lead--;
    }
    if (lead == end) {
      return end;
    }
    int width = sequenceWidth(bytes[lead]);
    boolean cutsThroughCharacter = width > end - lead;
    return cutsThroughCharacter ? lead : end;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  private static int sequenceWidth(byte lead) {
    int b = lead & 0xFF;
    if (b >= 0xC2 && b <= 0xDF) {
      return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
      return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
      return 4;
    }
    return 1;
  }

  /**
   * The String constructor replaces each malformed sequence with U+FFFD, like a REPLACE decoder.
   */
  private static String decode(byte[] bytes, int end) {
    return withoutNul(new String(bytes, 0, end, StandardCharsets.UTF_8));
  }

  /** Drops trailing characters while replacements have pushed the UTF-8 size over budget. */
  private static String fitToBudget(String text, int maxBytes) {
    int size = utf8Length(text);
    if (size <= maxBytes) {
      return text;
    }
    int end = text.length();
    while (size > maxBytes) {
      int cp = text.codePointBefore(end);
      end -= Character.charCount(cp);
      size -= utf8Length(cp);
    }
    return text.substring(0, end);
  }

  private static int utf8Length(String text) {
    int size = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      size += utf8Length(cp);
      i += Character.charCount(cp);
    }
    return size;
  }

  private static int utf8Length(int codePoint) {
    if (codePoint < 0x80) {
      return 1;
    }
    if (codePoint < 0x800) {
      return 2;
    }
    return codePoint < 0x10000 ? 3 : 4;
  }
}
