package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8SnippetTest {

  private static String cut(byte[] bytes, int max) {
    return Utf8Snippet.of(bytes, bytes.length, max);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keepsShortAsciiWhole() {
    assertThat(cut(utf8("hello"), 2048)).isEqualTo("hello");
  }

  @Test
  void cutsAsciiAtTheBudget() {
    assertThat(cut(utf8("a".repeat(3000)), 2048)).hasSize(2048);
  }

  @Test
  void neverSplitsATwoByteCharacter() {
    // 'a' + "é" (2 bytes) + 'b': a cut at 2 falls inside "é".
    assertThat(cut(utf8("aéb"), 2)).isEqualTo("a");
    assertThat(cut(utf8("aéb"), 3)).isEqualTo("aé");
  }

  @Test
  void neverSplitsAThreeByteCharacter() {
    byte[] bytes = utf8("ab€"); // € is 3 bytes
    assertThat(cut(bytes, 3)).isEqualTo("ab");
    assertThat(cut(bytes, 4)).isEqualTo("ab");
    assertThat(cut(bytes, 5)).isEqualTo("ab€");
  }

  @Test
  void neverSplitsAFourByteCharacter() {
    byte[] bytes = utf8("x😀"); // U+1F600 is 4 bytes
    for (int max = 1; max <= 4; max++) {
      assertThat(cut(bytes, max)).as("budget %d", max).isEqualTo("x");
    }
    assertThat(cut(bytes, 5)).isEqualTo("x😀");
  }

  @Test
  void cutsOnABoundaryAtTheRealBudget() {
    // 2047 ASCII bytes then a 3-byte char: it does not fit in 2048 and must be dropped whole.
    String text = "a".repeat(2047) + "€" + "tail";
    String snippet = cut(utf8(text), Utf8Snippet.MAX_BYTES);
    assertThat(snippet).isEqualTo("a".repeat(2047));
    assertThat(utf8(snippet).length).isLessThanOrEqualTo(Utf8Snippet.MAX_BYTES);
  }

  @Test
  void replacesMalformedBytes() {
    byte[] bytes = {'o', 'k', (byte) 0xFF, (byte) 0xC3, '!'};
    assertThat(cut(bytes, 100)).isEqualTo("ok\uFFFD\uFFFD!");
  }

  @Test
  void replacesNulWhichPostgresTextRejects() {
    assertThat(cut(new byte[] {'a', 0, 'b'}, 100)).isEqualTo("a\uFFFDb");
  }

  @Test
  void replacementsNeverPushTheSnippetOverBudget() {
    // Each invalid byte becomes U+FFFD, three bytes in UTF-8.
    byte[] bytes = new byte[3000];
    java.util.Arrays.fill(bytes, (byte) 0xFF);
    String snippet = cut(bytes, Utf8Snippet.MAX_BYTES);
    assertThat(utf8(snippet).length).isLessThanOrEqualTo(Utf8Snippet.MAX_BYTES);
    assertThat(snippet).isNotEmpty().matches("\uFFFD+");
  }

  @Test
  void readsOnlyTheValidLength() {
    byte[] buffer = utf8("abcdef");
    assertThat(Utf8Snippet.of(buffer, 3, 100)).isEqualTo("abc");
  }

  @Test
  void emptyOutputGivesEmptySnippet() {
    assertThat(cut(new byte[0], 2048)).isEmpty();
  }
}
