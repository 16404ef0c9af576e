package dev.serverlessrunner.runner.cgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgiResponseTest {

  private static CgiResponse parse(String stdout) {
    return CgiResponse.parse(stdout.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void statusAndHeadersAreTakenFromTheHeaderBlock() {
    CgiResponse r =
        parse("Content-Type: text/plain\nStatus: 400 Bad Request\n\nn must be a number");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.headers()).containsExactly(Map.entry("Content-Type", "text/plain"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("n must be a number");
  }

  @Test
  void statusDefaultsTo200() {
    assertThat(parse("Content-Type: text/plain\n\nhi").status()).isEqualTo(200);
  }

  @Test
  void locationWithoutStatusIsARedirect() {
    CgiResponse r = parse("Location: /elsewhere\n\n");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void crlfLineEndingsAreAccepted() {
    CgiResponse r = parse("Status: 201\r\nX-A: b\r\n\r\nbody\r\n");
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.headers()).containsExactly(Map.entry("X-A", "b"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("body\r\n");
  }

  @Test
  void bodyBytesArePassedThroughUntouched() {
    byte[] out = {'S', 't', 'a', 't', 'u', 's', ':', '2', '0', '0', '\n', '\n', (byte) 0xff, 0, 10};
    assertThat(CgiResponse.parse(out).body()).containsExactly((byte) 0xff, 0, 10);
  }

  @Test
  void outputWithoutHeaderBlockIsMalformed() {
    assertThatThrownBy(() -> parse("just a body"))
        .isInstanceOf(CgiResponse.MalformedCgiException.class)
        .hasMessageContaining("blank line");
  }

  @Test
  void headerLineWithoutColonIsMalformed() {
    assertThatThrownBy(() -> parse("hello world\n\nbody"))
        .isInstanceOf(CgiResponse.MalformedCgiException.class)
        .hasMessageContaining("hello world");
  }

  @Test
  void statusOutOfRangeIsMalformed() {
    assertThatThrownBy(() -> parse("Status: 999\n\n"))
        .isInstanceOf(CgiResponse.MalformedCgiException.class)
        .hasMessageContaining("999");
  }

  @Test
  void headerValueWithControlCharactersIsMalformed() {
    assertThatThrownBy(() -> parse("X-Evil: a\u0001b\n\n"))
        .isInstanceOf(CgiResponse.MalformedCgiException.class);
  }
}
