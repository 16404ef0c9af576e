package dev.serverlessrunner.runner.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JWT authentication against a real runner: tokens signed here with a generated RSA key whose JWKS
 * a loopback HTTP server publishes.
 */
@QuarkusTest
@TestProfile(JwtProfile.class)
@Timeout(180)
class JwtAuthTest {

  private static RequestSpecification bearer(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  @Test
  void noTokenIs401() {
    given()
        .get("/execute/greeter")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer realm=\"serverless-runner\"")
        .body("status", equalTo(401));
  }

  @Test
  void aValidTokenIs200() {
    bearer(SecuredRunner.sign(SecuredRunner.claims("alice")))
        .body("Alice")
        .post("/execute/greeter")
        .then()
        .statusCode(200)
        .body(equalTo("Hello, Alice!"));
  }

  @Test
  void anExpiredTokenIs401() {
    String token =
        SecuredRunner.sign(
            SecuredRunner.claims("alice")
                .issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600)));
    bearer(token)
        .get("/execute/greeter")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
        .body("reason", equalTo("token expired"));
  }

  @Test
  void aTokenForAnotherAudienceIs401() {
    String token =
        SecuredRunner.sign(
            Jwt.issuer(SecuredRunner.ISSUER).audience("someone-else").subject("x").expiresIn(600));
    bearer(token).get("/execute/greeter").then().statusCode(401);
  }

  @Test
  void aTokenFromAnotherIssuerIs401() {
    String token =
        SecuredRunner.sign(
            Jwt.issuer("https://evil.test")
                .audience(SecuredRunner.AUDIENCE)
                .subject("x")
                .expiresIn(600));
    bearer(token).get("/execute/greeter").then().statusCode(401);
  }

  @Test
  void aTokenSignedWithAnUnpublishedKeyIs401() {
    bearer(SecuredRunner.signWithStrangerKey(SecuredRunner.claims("mallory")))
        .get("/execute/greeter")
        .then()
        .statusCode(401)
        .body("error", equalTo("Invalid credentials"));
  }

  @Test
  void aMissingScopeIs403AndThePresentScopeIs200() {
    bearer(SecuredRunner.sign(SecuredRunner.claims("bob").claim("scope", "invoke:b")))
        .get("/execute/fib-a?n=5")
        .then()
        .statusCode(403)
        .header("WWW-Authenticate", containsString("scope=\"invoke:a\""));
    bearer(SecuredRunner.sign(SecuredRunner.claims("bob").claim("scope", "openid invoke:a")))
        .get("/execute/fib-a?n=5")
        .then()
        .statusCode(200)
        .body(equalTo("5\n"));
  }

  @Test
  void aRequiredRoleComesFromTheGroupsClaim() {
    bearer(SecuredRunner.sign(SecuredRunner.claims("carol").groups(Set.of("oncall"))))
        .get("/execute/fib-ops?n=6")
        .then()
        .statusCode(200);
    bearer(SecuredRunner.sign(SecuredRunner.claims("carol").groups(Set.of("dev"))))
        .get("/execute/fib-ops?n=6")
        .then()
        .statusCode(403);
  }

  @Test
  void aRecordIsUnreadableWithAnotherFunctionsToken() {
    String a = SecuredRunner.sign(SecuredRunner.claims("ann").claim("scope", "invoke:a"));
    String b = SecuredRunner.sign(SecuredRunner.claims("ben").claim("scope", "invoke:b"));
    String id =
        bearer(a)
            .get("/execute/fib-a?n=8")
            .then()
            .statusCode(200)
            .extract()
            .header("X-Execution-Id");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> bearer(a).get("/executions/" + id).statusCode() == 200);

    bearer(b).get("/executions/" + id).then().statusCode(403);
    given().get("/executions/" + id).then().statusCode(401);
    bearer(SecuredRunner.sign(SecuredRunner.claims("root").claim("scope", "runner:admin")))
        .get("/executions/" + id)
        .then()
        .statusCode(200)
        .body("function", equalTo("fib-a"));
  }
}
