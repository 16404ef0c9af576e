package dev.serverlessrunner.runner.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Health and metrics live on the management port only; the invocation port never serves them. */
@QuarkusTest
@QuarkusTestResource(value = RunnerTestResources.class, restrictToAnnotatedClass = false)
@Timeout(120)
class ManagementPortTest {

  @TestHTTPResource(value = "/health/ready", management = true)
  URL readiness;

  @TestHTTPResource(value = "/health/live", management = true)
  URL liveness;

  @TestHTTPResource(value = "/metrics", management = true)
  URL metrics;

  @Test
  void healthIsServedOnTheManagementPort() {
    given().get(readiness).then().statusCode(200).body("status", equalTo("UP"));
    given().get(liveness).then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void metricsAreServedOnTheManagementPort() {
    given().get("/execute/greeter").then().statusCode(200);
    given()
        .get(metrics)
        .then()
        .statusCode(200)
        .body(containsString("faas_invoke_duration_seconds_count{faas_name=\"greeter\""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/q/metrics", "/q/health", "/q/health/ready", "/q/health/live", "/q/dev-ui"})
  void operationalPathsAreAbsentOnTheInvocationPort(String path) {
    given()
        .get(path)
        .then()
        .statusCode(404)
        .header("Content-Type", containsString("application/json"))
        .body("status", equalTo(404));
  }
}
