package dev.serverlessrunner.runner.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow, stalled and oversized clients end with a JSON answer and a closed connection within the
 * configured bounds, and give back everything they held. Real HTTP on loopback sockets.
 */
@QuarkusTest
@TestProfile(ReadLimitsTest.ShortTimeouts.class)
@QuarkusTestResource(value = RunnerTestResources.class, restrictToAnnotatedClass = true)
@Timeout(120)
class ReadLimitsTest {

  static final Duration HEADER_TIMEOUT = Duration.ofSeconds(2);
  static final Duration BODY_TIMEOUT = Duration.ofSeconds(2);
  static final long BODY_BUDGET = 64 * 1024;

  /** Short read timeouts and a small body budget, so the limits are reached quickly. */
  public static class ShortTimeouts implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "runner.http.header-timeout", HEADER_TIMEOUT.toMillis() + "ms",
          "runner.http.body-timeout", BODY_TIMEOUT.toMillis() + "ms",
          "runner.http.body-budget-bytes", Long.toString(BODY_BUDGET));
    }
  }

  /** Generous: the answer must come after the timeout and well before a client would give up. */
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Inject ConnectionGuards guards;
  @Inject BodyBudget budget;

  @BeforeEach
  void guardsAreInPlace() {
    await().atMost(Duration.ofSeconds(10)).until(() -> guards.guardedServers() > 0);
  }

  private static Socket open(String start) throws IOException {
    Socket socket = new Socket("127.0.0.1", RestAssured.port);
    socket.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return socket;
  }

  private static void assertTimedOut(RawHttp.Answer answer, String error, Duration timeout) {
    assertThat(answer.status()).isEqualTo(408);
    assertThat(answer.header("Content-Type")).startsWith("application/json");
    assertThat(answer.json().getString("error")).isEqualTo(error);
    assertThat(answer.json().getInteger("status")).isEqualTo(408);
    assertThat(answer.closed()).as("connection closed").isTrue();
    assertThat(answer.millis()).isGreaterThanOrEqualTo(timeout.toMillis() - 100);
  }

  @Test
  void headersThatStopArrivingGet408AndTheConnectionCloses() throws IOException {
    long start = System.nanoTime();
    try (Socket socket = open("GET /execute/fib HTTP/1.1\r\nHost: runner\r\nX-Slow: ")) {
      assertTimedOut(RawHttp.read(socket, WAIT, start), "Request header timeout", HEADER_TIMEOUT);
    }
  }

  @Test
  void headersTrickledByteByByteGet408AtTheHeaderTimeout() throws Exception {
    long start = System.nanoTime();
    try (Socket socket = open("GET /execute/fib HTTP/1.1\r\nHost: runner\r\n")) {
      // One byte every 300 ms keeps an idle timer happy forever; the header clock is not reset.
      for (int i = 0; i < 4; i++) {
        Thread.sleep(300);
        socket.getOutputStream().write('X');
      }
      assertTimedOut(RawHttp.read(socket, WAIT, start), "Request header timeout", HEADER_TIMEOUT);
    }
  }

  @Test
  void connectionThatSendsNothingGets408() throws IOException {
    long start = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
      assertTimedOut(RawHttp.read(socket, WAIT, start), "Request header timeout", HEADER_TIMEOUT);
    }
  }

  @Test
  void bodyShorterThanItsContentLengthGets408AndGivesBackItsBytes() throws IOException {
    long start = System.nanoTime();
    try (Socket socket =
        open("POST /execute/echo HTTP/1.1\r\nHost: runner\r\nContent-Length: 100\r\n\r\nabc")) {
      assertTimedOut(RawHttp.read(socket, WAIT, start), "Request body timeout", BODY_TIMEOUT);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> budget.held() == 0);
    RestAssured.given().body("after").post("/execute/echo").then().statusCode(200);
  }

  @Test
  void bodyThatDoesNotFitTheBudgetIs503WithRetryAfterBeforeItIsRead() throws IOException {
    long held = BODY_BUDGET - 1000;
    try (Socket stalled =
        open(
            "POST /execute/echo HTTP/1.1\r\nHost: runner\r\nContent-Length: "
                + held
                + "\r\n\r\nstalls")) {
      await().atMost(Duration.ofSeconds(5)).until(() -> budget.held() == held);

      RawHttp.Answer refused =
          RawHttp.exchange(
              RestAssured.port,
              "POST /execute/echo HTTP/1.1\r\nHost: runner\r\nContent-Length: 5000\r\n\r\n",
              WAIT);

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      assertThat(refused.json().getString("error")).isEqualTo("Runner saturated");
      assertThat(refused.json().getLong("budget_bytes")).isEqualTo(BODY_BUDGET);
      // A request whose body fits still runs meanwhile.
      RestAssured.given().body("small").post("/execute/echo").then().statusCode(200);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> budget.held() == 0);
  }

  @Test
  void keepAliveConnectionServesOneRequestAfterAnother() throws IOException {
    String get = "GET /execute/fib?n=10 HTTP/1.1\r\nHost: runner\r\n\r\n";
    try (Socket socket = open(get)) {
      socket
          .getOutputStream()
          .write(
              get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.Answer both = RawHttp.read(socket, WAIT, System.nanoTime());

      assertThat(both.status()).isEqualTo(200);
      assertThat(both.body()).isEqualTo("55\n");
      assertThat(both.closed()).isTrue();
    }
  }
}
