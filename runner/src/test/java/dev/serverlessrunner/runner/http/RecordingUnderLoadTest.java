package dev.serverlessrunner.runner.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import dev.serverlessrunner.runner.testsupport.RunnerTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
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

  private static long totalRows() {
    PostgresClusters shards = RunnerTestResources.shards();
    long total = 0;
    for (int i = 0; i < shards.size(); i++) {
      total += Long.parseLong(shards.psql(i, "select count(*) from executions"));
    }
    return total;
  }

  private static List<Integer> parallel(int requests, String path) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(requests);
    try {
      List<Future<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        String body = "caller-" + i;
        calls.add(clients.submit(() -> given().body(body).post(path).statusCode()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> call : calls) {
        statuses.add(call.get());
      }
      return statuses;
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void twentyFiveParallelRequestsAllSucceedAndEachIsRecordedOnce() throws Exception {
    long before = totalRows();

    List<Integer> statuses = parallel(25, "/execute/greeter");

    assertThat(statuses).containsOnly(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> totalRows() == before + 25);
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
    long before = totalRows();
    int requests = RunnerTestResources.QUEUE_CAPACITY * 3;
    shards.stop(0);
    try {
      for (int i = 0; i < requests; i++) {
        // New ids are drawn for shards with room, so a down shard costs no availability.
        given().body("x").post("/execute/greeter").then().statusCode(200);
      }
    } finally {
      shards.restart(0);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> totalRows() >= before + requests);
    assertThat(totalRows()).as("one row per request, no duplicates").isEqualTo(before + requests);
  }

  @Test
  void withEveryShardDownTheBacklogFillsThenRequestsAre503AndNothingIsLost() {
    PostgresClusters shards = RunnerTestResources.shards();
    long before = totalRows();
    int ok = 0;
    int refused = 0;
    Set<Integer> other = new HashSet<>();
    shards.stop(0);
    shards.stop(1);
    try {
      for (int i = 0; i < RunnerTestResources.QUEUE_CAPACITY * 3; i++) {
        var response = given().body("x").post("/execute/greeter");
        switch (response.statusCode()) {
          case 200 -> ok++;
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
    assertThat(ok).isLessThanOrEqualTo(RunnerTestResources.QUEUE_CAPACITY * 2);
    long expected = before + ok;
    await().atMost(Duration.ofSeconds(60)).until(() -> totalRows() >= expected);
    assertThat(totalRows()).as("one row per executed request, no duplicates").isEqualTo(expected);
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
