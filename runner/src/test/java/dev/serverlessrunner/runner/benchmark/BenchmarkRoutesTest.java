package dev.serverlessrunner.runner.benchmark;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.serverlessrunner.runner.recording.ShardRouter;
import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The benchmark-only endpoints do what the benchmark report says they do. */
@QuarkusTest
@TestProfile(BenchmarkRoutesTest.Enabled.class)
@QuarkusTestResource(value = RunnerTestResources.class, restrictToAnnotatedClass = true)
@Timeout(120)
class BenchmarkRoutesTest {

  /** Turns the benchmark endpoints on. */
  public static class Enabled implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("runner.benchmark.enabled", "true");
    }
  }

  @Test
  void pingAnswersWithoutRunningAGuest() {
    given().get("/bench/ping").then().statusCode(200).body(equalTo("pong"));
  }

  @Test
  void naiveBaselineRunsTheGuestAndHasCommittedItsRowWhenItAnswers() {
    String id =
        given()
            .get("/bench/naive/fib?number=15")
            .then()
            .statusCode(200)
            .body(equalTo("610\n"))
            .extract()
            .header("X-Execution-Id");

    int shard = new ShardRouter(2).shardOf(UUID.fromString(id));
    assertThat(
            RunnerTestResources.shards()
                .psql(shard, "select function from executions where id = '" + id + "'"))
        .isEqualTo("fib");
    given()
        .get("/executions/" + id)
        .then()
        .statusCode(200)
        .body("outcome", equalTo("ok"))
        .body("stdout_snippet", equalTo("610\n"));
  }

  @Test
  void naiveBaselineRecordsAFailedRunAsProductionDoesAndReadsItBack() {
    String id =
        given()
            .get("/bench/naive/loop-forever")
            .then()
            .statusCode(504)
            .body("error", equalTo("Execution timed out"))
            .extract()
            .header("X-Execution-Id");

    given()
        .get("/executions/" + id)
        .then()
        .statusCode(200)
        .body("function", equalTo("loop-forever"))
        .body("outcome", equalTo("fuel"));
  }
}
