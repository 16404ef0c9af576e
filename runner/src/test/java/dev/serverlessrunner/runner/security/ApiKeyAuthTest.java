package dev.serverlessrunner.runner.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** API-key authentication against a real runner, real guests and a real shard. */
@QuarkusTest
@TestProfile(ApiKeyProfile.class)
@Timeout(180)
class ApiKeyAuthTest {

  private static RequestSpecification as(String keyId) {
    return given().header("Authorization", "Bearer " + SecuredRunner.KEYS.get(keyId));
  }

  @Test
  void noCredentialsIs401WithAChallenge() {
    given()
        .get("/execute/greeter")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer realm=\"serverless-runner\"")
        .header("Content-Type", containsString("application/json"))
        .body("error", equalTo("Authentication required"))
        .body("status", equalTo(401));
  }

  @Test
  void unknownKeyIs401InvalidToken() {
    given()
        .header("Authorization", "Bearer sr_not-a-key")
        .get("/execute/greeter")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
        .body("error", equalTo("Invalid credentials"))
        .body("reason", equalTo("unknown API key"));
  }

  @Test
  void aValidKeyInvokesAFunctionWithoutRequirements() {
    as("plain")
        .body("Ann")
        .post("/execute/greeter")
        .then()
        .statusCode(200)
        .body(equalTo("Hello, Ann!"));
  }

  @Test
  void aKeyWithoutTheRequiredScopeIs403() {
    as("b")
        .get("/execute/fib-a?n=5")
        .then()
        .statusCode(403)
        .header(
            "WWW-Authenticate",
            "Bearer realm=\"serverless-runner\", error=\"insufficient_scope\", scope=\"invoke:a\"")
        .body("error", equalTo("Forbidden"))
        .body("status", equalTo(403))
        .body("required_scopes", hasItem("invoke:a"));
  }

  @Test
  void aKeyWithTheRequiredScopeIs200() {
    as("a").get("/execute/fib-a?n=10").then().statusCode(200).body(equalTo("55\n"));
  }

  @Test
  void aPublicFunctionNeedsNoCredentials() {
    given().body("Bo").post("/execute/open").then().statusCode(200).body(equalTo("Hello, Bo!"));
  }

  @Test
  void anUnknownFunctionIs401BeforeItIs404() {
    given().get("/execute/nothing-here").then().statusCode(401);
    as("plain").get("/execute/nothing-here").then().statusCode(404);
  }

  @Test
  void aRecordIsReadableByWhoMayInvokeItsFunctionOnly() {
    String id =
        as("a").get("/execute/fib-a?n=7").then().statusCode(200).extract().header("X-Execution-Id");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> as("a").get("/executions/" + id).statusCode() == 200);

    as("a").get("/executions/" + id).then().body("function", equalTo("fib-a"));
    as("b")
        .get("/executions/" + id)
        .then()
        .statusCode(403)
        .body("error", equalTo("Forbidden"))
        .body("function", equalTo("fib-a"));
    as("plain").get("/executions/" + id).then().statusCode(403);
    given().get("/executions/" + id).then().statusCode(401);
    as("admin").get("/executions/" + id).then().statusCode(200).body("function", equalTo("fib-a"));
  }
}
