package dev.serverlessrunner.runner.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every answer of the invocation port is the documented JSON error, framework and framing errors
 * included, and no path is normalized into another endpoint. Real HTTP on a loopback socket.
 */
@QuarkusTest
@QuarkusTestResource(value = RunnerTestResources.class, restrictToAnnotatedClass = false)
@Timeout(120)
class ErrorContractTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  @Inject ConnectionGuards guards;

  @BeforeEach
  void guardsAreInPlace() {
    await().atMost(Duration.ofSeconds(10)).until(() -> guards.guardedServers() > 0);
  }

  private static RawHttp.Answer send(String request) throws IOException {
    return RawHttp.exchange(RestAssured.port, request, WAIT);
  }

  private static void assertJsonError(RawHttp.Answer answer, int status) {
    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    assertThat(answer.json().getInteger("status")).isEqualTo(status);
    assertThat(answer.json().getString("error")).isNotBlank();
  }

  @Test
  void unknownPathIsJson404() throws IOException {
    RawHttp.Answer answer = send("GET /no/such/path HTTP/1.1\r\nHost: runner\r\n\r\n");

    assertJsonError(answer, 404);
    assertThat(answer.json().getString("error")).isEqualTo("Not found");
  }

  @Test
  void encodedDotSegmentsNeverReachAnotherEndpoint() throws IOException {
    RawHttp.Answer answer =
        send("GET /execute/%2e%2e/%2e%2e/q/metrics HTTP/1.1\r\nHost: runner\r\n\r\n");

    assertJsonError(answer, 400);
    assertThat(answer.json().getString("error")).isEqualTo("Invalid path");
    assertThat(answer.body()).doesNotContain("jvm_");
  }

  @Test
  void plainDotSegmentsAreRefusedToo() throws IOException {
    RawHttp.Answer answer =
        send("GET /execute/greeter/../../q/health HTTP/1.1\r\nHost: runner\r\n\r\n");

    assertJsonError(answer, 400);
    assertThat(answer.body()).doesNotContain("checks");
  }

  @Test
  void badPercentEncodingInTheQueryIsJson400() throws IOException {
    RawHttp.Answer answer = send("GET /execute/fib?n=%ZZ HTTP/1.1\r\nHost: runner\r\n\r\n");

    assertJsonError(answer, 400);
    assertThat(answer.json().getString("error")).isEqualTo("Invalid request target");
  }

  @Test
  void longRequestLineIsJson414() throws IOException {
    RawHttp.Answer answer =
        send("GET /execute/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: runner\r\n\r\n");

    assertJsonError(answer, 414);
    assertThat(answer.closed()).isTrue();
  }

  @Test
  void largeHeadersAreJson431() throws IOException {
    RawHttp.Answer answer =
        send(
            "GET /execute/fib HTTP/1.1\r\nHost: runner\r\nX-Big: "
                + "b".repeat(100_000)
                + "\r\n\r\n");

    assertJsonError(answer, 431);
    assertThat(answer.closed()).isTrue();
  }

  @Test
  void malformedRequestIsJson400() throws IOException {
    RawHttp.Answer answer = send("HELLO\r\n\r\n");

    assertJsonError(answer, 400);
    assertThat(answer.json().getString("error")).isEqualTo("Malformed HTTP request");
  }

  @Test
  void requestWithoutHostIsJson400() throws IOException {
    assertJsonError(send("GET /execute/fib HTTP/1.1\r\n\r\n"), 400);
  }

  @Test
  void unsupportedMethodIsJson405WithAllow() throws IOException {
    RawHttp.Answer answer = send("DELETE /execute/fib HTTP/1.1\r\nHost: runner\r\n\r\n");

    assertJsonError(answer, 405);
    assertThat(answer.header("Allow")).isEqualTo("GET, POST");
  }

  @Test
  void declaredBodyOverTheLimitIs413BeforeItIsReadAndTheConnectionCloses() throws IOException {
    RawHttp.Answer answer =
        send(
            "POST /execute/echo-small HTTP/1.1\r\nHost: runner\r\nContent-Length: 5000000\r\n\r\n"
                + "only the start");

    assertJsonError(answer, 413);
    assertThat(answer.closed()).as("connection closed, the rest of the body is not read").isTrue();
  }

  @Test
  void chunkedBodyOverTheLimitIsCutWith413() throws IOException {
    String chunk = "400\r\n" + "c".repeat(1024) + "\r\n";
    RawHttp.Answer answer =
        send(
            "POST /execute/echo-small HTTP/1.1\r\nHost: runner\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk.repeat(3)
                + "0\r\n\r\n");

    assertJsonError(answer, 413);
    assertThat(answer.json().getLong("limit_bytes")).isEqualTo(1024);
  }

  @Test
  void chunkedBodyWithinTheLimitRuns() throws IOException {
    RawHttp.Answer answer =
        send(
            "POST /execute/echo-small HTTP/1.1\r\nHost: runner\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("hello world");
  }

  @Test
  void expectContinueIsAnsweredOnlyOnceAdmitted() throws IOException {
    RawHttp.Answer answer =
        send(
            "POST /execute/no-such-function HTTP/1.1\r\nHost: runner\r\nContent-Length: 10\r\n"
                + "Expect: 100-continue\r\n\r\n");

    assertJsonError(answer, 404);
  }
}
