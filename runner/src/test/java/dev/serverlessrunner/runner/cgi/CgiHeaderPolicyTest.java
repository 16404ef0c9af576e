package dev.serverlessrunner.runner.cgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.runner.cgi.CgiVerdict.DroppedHeader;
import dev.serverlessrunner.runner.cgi.CgiVerdict.Rule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgiHeaderPolicyTest {

  private static CgiVerdict interpret(CgiHeaderPolicy policy, String stdout) {
    return policy.interpret(stdout.getBytes(StandardCharsets.UTF_8));
  }

  private static CgiVerdict.Accepted accepted(CgiHeaderPolicy policy, String stdout) {
    CgiVerdict verdict = interpret(policy, stdout);
    assertThat(verdict).isInstanceOf(CgiVerdict.Accepted.class);
    return (CgiVerdict.Accepted) verdict;
  }

  private static CgiVerdict.Refused refused(CgiHeaderPolicy policy, String stdout) {
    CgiVerdict verdict = interpret(policy, stdout);
    assertThat(verdict).isInstanceOf(CgiVerdict.Refused.class);
    return (CgiVerdict.Refused) verdict;
  }

  @Test
  void aCorrectContentLengthIsAcceptedAndLeftToTheRunnersFraming() {
    CgiVerdict.Accepted a =
        accepted(
            CgiHeaderPolicy.defaults(), "Content-Type: text/plain\nContent-Length: 6\n\nhello\n");

    assertThat(a.response().status()).isEqualTo(200);
    assertThat(a.response().headers()).containsExactly(Map.entry("Content-Type", "text/plain"));
    assertThat(a.dropped()).containsExactly(new DroppedHeader("Content-Length", Rule.HOP_BY_HOP));
  }

  @Test
  void aContentLengthThatIsNotTheBodysIsRefused() {
    assertThat(refused(CgiHeaderPolicy.defaults(), "Content-Length: 100\n\nshort\n").reason())
        .isEqualTo("Content-Length 100 does not match the body's 6 bytes");
    assertThat(refused(CgiHeaderPolicy.defaults(), "Content-Length: 6, 7\n\nhello\n").reason())
        .contains("Content-Length 7");
    assertThat(refused(CgiHeaderPolicy.defaults(), "Content-Length: -1\n\n").reason())
        .isEqualTo("Content-Length '-1' is not a length");
  }

  @Test
  void repeatedEqualContentLengthsAreOneLength() {
    assertThat(interpret(CgiHeaderPolicy.defaults(), "Content-Length: 2, 2\n\nok"))
        .isInstanceOf(CgiVerdict.Accepted.class);
  }

  @Test
  void hopByHopHeadersAndThoseNamedInConnectionAreDropped() {
    CgiVerdict.Accepted a =
        accepted(
            CgiHeaderPolicy.defaults(),
            "Transfer-Encoding: chunked\nConnection: close, X-Private-Hop\nX-Private-Hop: 1\n"
                + "Keep-Alive: timeout=600\nUpgrade: h2c\nTE: trailers\nTrailer: X-Sum\n"
                + "Proxy-Authenticate: Basic\nProxy-Authorization: Basic eA==\n"
                + "Proxy-Connection: keep-alive\nX-Kept: yes\n\nbody");

    assertThat(a.response().headers()).containsExactly(Map.entry("X-Kept", "yes"));
    assertThat(a.dropped())
        .extracting(DroppedHeader::name)
        .containsExactly(
            "Transfer-Encoding",
            "Connection",
            "X-Private-Hop",
            "Keep-Alive",
            "Upgrade",
            "TE",
            "Trailer",
            "Proxy-Authenticate",
            "Proxy-Authorization",
            "Proxy-Connection");
    assertThat(a.dropped()).allMatch(d -> d.rule() == Rule.HOP_BY_HOP);
  }

  @Test
  void theRunnersOwnHeadersCannotBeForged() {
    CgiVerdict.Accepted a =
        accepted(CgiHeaderPolicy.defaults(), "x-execution-id: forged\nX-Fuel-Consumed: 0\n\n");

    assertThat(a.response().headers()).isEmpty();
    assertThat(a.dropped()).extracting(DroppedHeader::rule).containsOnly(Rule.RESERVED);
  }

  @Test
  void aGuestCannotClaimTheInvocationsTraceContext() {
    CgiVerdict.Accepted a =
        accepted(
            CgiHeaderPolicy.defaults(),
            "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n"
                + "tracestate: a=b\n\n");

    assertThat(a.response().headers()).isEmpty();
    assertThat(a.dropped()).extracting(DroppedHeader::rule).containsOnly(Rule.RESERVED);
  }

  @Test
  void informationalStatusesAreRefused() {
    assertThat(refused(CgiHeaderPolicy.defaults(), "Status: 101 Switching Protocols\n\n"))
        .satisfies(
            r -> {
              assertThat(r.error()).isEqualTo("CGI response refused");
              assertThat(r.reason()).startsWith("status 101 is informational");
            });
    assertThat(refused(CgiHeaderPolicy.defaults(), "Status: 100\n\n").reason())
        .startsWith("status 100 is informational");
  }

  @Test
  void malformedOutputIsRefusedAsMalformed() {
    CgiVerdict.Refused r = refused(CgiHeaderPolicy.defaults(), "no header block");
    assertThat(r.error()).isEqualTo("Malformed CGI response");
    assertThat(r.reason()).contains("blank line");
  }

  @Test
  void theDefaultDenyListDropsHeadersActingOnTheWholeOrigin() {
    CgiVerdict.Accepted a =
        accepted(
            CgiHeaderPolicy.defaults(),
            "set-cookie: a=b\nStrict-Transport-Security: max-age=1\nClear-Site-Data: \"*\"\n"
                + "Alt-Svc: h2=\":443\"\nService-Worker-Allowed: /\n"
                + "Access-Control-Allow-Origin: *\n\n");

    assertThat(a.response().headers())
        .containsExactly(Map.entry("Access-Control-Allow-Origin", "*"));
    assertThat(a.dropped()).extracting(DroppedHeader::rule).containsOnly(Rule.DENIED);
    assertThat(a.dropped()).hasSize(5);
  }

  @Test
  void aPoolAddsPrefixesToTheDenyListAndAllowsNamesBack() {
    CgiHeaderPolicy policy =
        new CgiHeaderPolicy(
            List.of("Access-Control-Allow-*", "X-Tenant-Debug"), List.of("set-cookie"));

    CgiVerdict.Accepted a =
        accepted(
            policy,
            "Set-Cookie: a=b\nAccess-Control-Allow-Origin: *\nAccess-Control-Allow-Credentials:"
                + " true\nX-Tenant-Debug: 1\nStrict-Transport-Security: max-age=1\nX-Kept: 1\n\n");

    assertThat(a.response().headers())
        .containsExactly(Map.entry("Set-Cookie", "a=b"), Map.entry("X-Kept", "1"));
    assertThat(a.dropped())
        .extracting(DroppedHeader::name)
        .containsExactly(
            "Access-Control-Allow-Origin",
            "Access-Control-Allow-Credentials",
            "X-Tenant-Debug",
            "Strict-Transport-Security");
  }

  @Test
  void allowingEverythingStillDropsHopByHopHeaders() {
    CgiHeaderPolicy policy = new CgiHeaderPolicy(List.of(), List.of("*"));

    CgiVerdict.Accepted a = accepted(policy, "Set-Cookie: a=b\nConnection: close\n\n");

    assertThat(a.response().headers()).containsExactly(Map.entry("Set-Cookie", "a=b"));
    assertThat(a.dropped()).containsExactly(new DroppedHeader("Connection", Rule.HOP_BY_HOP));
  }

  @Test
  void anEntryThatIsNotAHeaderNameIsRefusedAtStart() {
    assertThatThrownBy(() -> new CgiHeaderPolicy(List.of("Set Cookie"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'Set Cookie'");
    assertThatThrownBy(() -> new CgiHeaderPolicy(List.of(), List.of("X-*-Y")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
