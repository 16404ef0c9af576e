package dev.serverlessrunner.runner.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default mode {@code none}: everything open, and readiness says so. */
@QuarkusTest
@QuarkusTestResource(value = RunnerTestResources.class, restrictToAnnotatedClass = false)
@Timeout(120)
class NoneModeTest {

  @TestHTTPResource(value = "/health/ready", management = true)
  URL readiness;

  @Test
  void anyoneInvokesWithoutCredentials() {
    given().body("Eve").post("/execute/greeter").then().statusCode(200);
  }

  @Test
  void bearerHeadersAreIgnored() {
    given()
        .header("Authorization", "Bearer whatever")
        .body("Eve")
        .post("/execute/greeter")
        .then()
        .statusCode(200)
        .body(equalTo("Hello, Eve!"));
  }

  @Test
  void readinessStatesThatNothingIsAuthenticated() {
    given()
        .get(readiness)
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'runner' }.data.authentication", startsWith("none"));
  }
}
