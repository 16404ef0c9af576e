package dev.serverlessrunner.runner.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CGI header policy on real HTTP, with the real {@code cgi-headers} guest (guests/README.md):
 * framing and hop-by-hop headers never reach the client, 1xx and a wrong Content-Length are refused
 * with a JSON 502 that the record repeats, and the deny-list (default plus the pool's) is applied
 * and counted.
 */
@QuarkusTest
@TestProfile(CgiHeaderPolicyHttpTest.PoolDenyList.class)
@QuarkusTestResource(value = RunnerTestResources.class, restrictToAnnotatedClass = true)
@Timeout(120)
class CgiHeaderPolicyHttpTest {

  /** A pool that adds X-Tenant-* to the default deny-list. */
  public static class PoolDenyList implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("runner.cgi.deny-headers", "X-Tenant-*");
    }
  }

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  /** The module compiled and served before a raw exchange times its silence. */
  @BeforeEach
  void warmUp() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> given().get("/execute/cgi-headers").then().statusCode(200));
  }

  private static RawHttp.Answer get(String target) throws IOException {
    // Read until the runner closes or stays silent for 2 s: a kept-alive connection stays open.
    return RawHttp.exchange(
        RestAssured.port,
        "GET " + target + " HTTP/1.1\r\nHost: runner\r\n\r\n",
        Duration.ofSeconds(2));
  }

  @Test
  void aGuestPrintingACorrectContentLengthKeepsWorking() throws IOException {
    RawHttp.Answer a = get("/execute/cgi-headers?case=0");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).isEqualTo("plain CGI\n");
    assertThat(a.header("Content-Length")).isEqualTo("10");
    assertThat(a.header("Content-Type")).isEqualTo("text/plain");
  }

  @Test
  void framingAndHopByHopHeadersNeverReachTheClient() throws IOException {
    RawHttp.Answer a = get("/execute/cgi-headers?case=1");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).isEqualTo("hop-by-hop\n");
    assertThat(a.header("Content-Length")).isEqualTo("11");
    for (String name :
        new String[] {
          "Transfer-Encoding",
          "Connection",
          "X-Private-Hop",
          "Keep-Alive",
          "Upgrade",
          "TE",
          "Trailer",
          "Proxy-Authenticate",
          "Proxy-Authorization",
          "Proxy-Connection"
        }) {
      assertThat(a.header(name)).as(name).isNull();
    }
    assertThat(a.header("X-Kept")).isEqualTo("yes");
    assertThat(UUID.fromString(a.header("X-Execution-Id")).version()).isEqualTo(7);
    assertThat(a.closed()).as("the guest's Connection: close is not the runner's").isFalse();
  }

  @Test
  void deniedHeadersAreDroppedAndCounted() throws IOException {
    RawHttp.Answer a = get("/execute/cgi-headers?case=2");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).isEqualTo("origin-wide\n");
    for (String name :
        new String[] {
          "Set-Cookie",
          "Strict-Transport-Security",
          "Clear-Site-Data",
          "Alt-Svc",
          "Service-Worker-Allowed",
          "X-Tenant-Debug"
        }) {
      assertThat(a.header(name)).as(name).isNull();
    }
    // Not on the default list: CORS acts on this response only.
    assertThat(a.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(a.header("X-Kept")).isEqualTo("yes");
    given()
        .get(metrics)
        .then()
        .statusCode(200)
        .body(
            containsString(
                "runner_cgi_headers_dropped_total{function=\"cgi-headers\",rule=\"denied\"}"));
  }

  @ParameterizedTest
  @CsvSource({
    "3, status 101 is informational",
    "4, status 100 is informational",
    "5, Content-Length 100 does not match the body's 6 bytes"
  })
  void refusedAnswersAre502AndTheRecordSaysWhy(int guestCase, String reason) {
    String id =
        given()
            .get("/execute/cgi-headers?case=" + guestCase)
            .then()
            .statusCode(502)
            .header("Content-Type", startsWith("application/json"))
            .header("Upgrade", org.hamcrest.Matchers.nullValue())
            .body("error", equalTo("CGI response refused"))
            .body("status", equalTo(502))
            .body("reason", startsWith(reason))
            .extract()
            .header("X-Execution-Id");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                given()
                    .get("/executions/" + id)
                    .then()
                    .statusCode(200)
                    .body("outcome", equalTo("invalid_response"))
                    .body("exit_code", equalTo(0))
                    .body("error", startsWith("CGI response refused: " + reason)));
  }
}
