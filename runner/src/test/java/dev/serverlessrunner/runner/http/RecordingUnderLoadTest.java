package dev.serverlessrunner.runner.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Records under concurrency and shard failure: exactly one row per execution, none lost. */
@QuarkusTest
@QuarkusTestResource(value = RunnerTestResources.class, restrictToAnnotatedClass = false)
@Timeout(180)
class RecordingUnderLoadTest {

  /** Rows, across every shard, whose id is one of {@code ids} (each id can be stored once). */
  private static long rowsFor(Collection<String> ids) {
    if (ids.isEmpty()) {
      return 0;
    }
    PostgresClusters shards = RunnerTestResources.shards();
    String list = "'" + String.join("','", ids) + "'";
    long total = 0;
    for (int i = 0; i < shards.size(); i++) {
      total +=
          Long.parseLong(
              shards.psql(i, "select count(*) from executions where id in (" + list + ")"));
    }
    return total;
  }

  private static void awaitExactlyOneRowEach(Collection<String> ids) {
    await().atMost(Duration.ofSeconds(60)).until(() -> rowsFor(ids) >= ids.size());
    assertThat(rowsFor(ids)).as("one row per answered execution").isEqualTo(ids.size());
  }

  @Test
  void twentyFiveParallelRequestsAllSucceedAndEachIsRecordedOnce() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(25);
    List<String> ids = new ArrayList<>();
    try {
      List<Future<Response>> calls = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        String body = "caller-" + i;
        calls.add(clients.submit(() -> given().body(body).post("/execute/greeter")));
      }
      for (Future<Response> call : calls) {
        Response response = call.get();
        assertThat(response.statusCode()).isEqualTo(200);
        ids.add(response.header("X-Execution-Id"));
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(new HashSet<>(ids)).hasSize(25);
    awaitExactlyOneRowEach(ids);
  }

  @Test
  void eachCallerGetsItsOwnOutput() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String body = "payload-" + i;
        calls.add(
            clients.submit(() -> given().body(body).post("/execute/echo").asString().equals(body)));
      }
      for (Future<Boolean> call : calls) {
        assertThat(call.get()).isTrue();
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void withOneShardDownRequestsStillSucceedAndNoRecordIsLost() {
    PostgresClusters shards = RunnerTestResources.shards();
    List<String> ids = new ArrayList<>();
    shards.stop(0);
    try {
      for (int i = 0; i < RunnerTestResources.QUEUE_CAPACITY * 3; i++) {
        // New ids are drawn for shards with room, so a down shard costs no availability.
        ids.add(
            given()
                .body("x")
                .post("/execute/greeter")
                .then()
                .statusCode(200)
                .extract()
                .header("X-Execution-Id"));
      }
    } finally {
      shards.restart(0);
    }
    awaitExactlyOneRowEach(ids);
  }

  @Test
  void withEveryShardDownTheBacklogFillsThenRequestsAre503AndNothingIsLost() {
    PostgresClusters shards = RunnerTestResources.shards();
    List<String> ids = new ArrayList<>();
    int refused = 0;
    Set<Integer> other = new HashSet<>();
    shards.stop(0);
    shards.stop(1);
    try {
      for (int i = 0; i < RunnerTestResources.QUEUE_CAPACITY * 3; i++) {
        var response = given().body("x").post("/execute/greeter");
        switch (response.statusCode()) {
          case 200 -> ids.add(response.header("X-Execution-Id"));
          case 503 -> {
            refused++;
            assertThat(response.jsonPath().getString("error")).isEqualTo("Recording backlog full");
            assertThat(response.header("X-Execution-Id")).as("nothing ran").isNull();
          }
          default -> other.add(response.statusCode());
        }
      }
    } finally {
      shards.restart(0);
      shards.restart(1);
    }
    assertThat(other).isEmpty();
    assertThat(refused).as("requests refused once every backlog was full").isPositive();
    assertThat(ids.size()).isLessThanOrEqualTo(RunnerTestResources.QUEUE_CAPACITY * 2);
    awaitExactlyOneRowEach(ids);
    given().body("x").post("/execute/greeter").then().statusCode(200);
  }

  @Test
  void addedChangedAndRemovedModulesTakeEffectWithoutRestart() throws Exception {
    var dir = RunnerTestResources.functionsDir();
    given().get("/execute/hot").then().statusCode(404);

    var staged = Files.write(dir.resolve("hot.tmp"), Guests.bytes("greeter"));
    Files.move(staged, dir.resolve("hot.wasm"), StandardCopyOption.ATOMIC_MOVE);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> given().get("/execute/hot").then().statusCode(200));
    assertThat(given().get("/execute/hot").asString()).isEqualTo("Hello, world!");

    staged = Files.write(dir.resolve("hot.tmp"), Guests.bytes("echo"));
    Files.move(staged, dir.resolve("hot.wasm"), StandardCopyOption.REPLACE_EXISTING);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> given().body("ping").post("/execute/hot").asString().equals("ping"));

    Files.delete(dir.resolve("hot.wasm"));
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> given().get("/execute/hot").then().statusCode(404));
  }
}
