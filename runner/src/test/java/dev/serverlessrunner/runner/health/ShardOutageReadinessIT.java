package dev.serverlessrunner.runner.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import dev.serverlessrunner.runner.testsupport.RunnerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged runners sharing two real shards; one shard stops. Both stay Ready (degraded, with
 * the shard named in the readiness details and the gauge), keep answering 2xx, and every answered
 * execution has its row once the shard is back.
 */
@Timeout(300)
class ShardOutageReadinessIT {

  @TempDir Path functions;
  private PostgresClusters shards;
  private final List<RunnerProcess> runners = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    shards = PostgresClusters.start(2);
    Files.write(functions.resolve("greeter.wasm"), Guests.bytes("greeter"));
    for (int i = 0; i < 2; i++) {
      runners.add(
          RunnerProcess.start(
              functions,
              shards.uris(),
              functions.resolve("runner-" + i + ".log"),
              Map.of("runner.shutdown.endpoint-removal-delay", "0s")));
    }
  }

  @AfterEach
  void stop() {
    runners.forEach(RunnerProcess::close);
    if (shards != null) {
      shards.close();
    }
  }

  @Test
  void oneShardDownKeepsEveryRunnerReadyAndServing() throws Exception {
    List<String> answered = new ArrayList<>();
    shards.stop(1);
    try {
      for (RunnerProcess runner : runners) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> runner.metric("runner_shards_unavailable") == 1.0);
      }
      for (int round = 0; round < 100; round++) {
        for (RunnerProcess runner : runners) {
          HttpResponse<String> r = runner.post("/execute/greeter", "caller " + round);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          answered.add(r.headers().firstValue("X-Execution-Id").orElseThrow());
        }
      }
      for (RunnerProcess runner : runners) {
        HttpResponse<String> ready = runner.management("/q/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        JsonObject data = runnerCheck(ready.body()).getJsonObject("data");
        assertThat(data.getBoolean("degraded")).isTrue();
        assertThat(data.getString("unavailableShards")).isEqualTo("shard-1");
        assertThat(data.getInteger("shardsUnavailable")).isEqualTo(1);
        assertThat(runner.management("/q/health/live").statusCode()).isEqualTo(200);
      }
    } finally {
      shards.restart(1);
    }
    for (RunnerProcess runner : runners) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> runner.metric("runner_shards_unavailable") == 0.0);
      JsonObject data =
          runnerCheck(runner.management("/q/health/ready").body()).getJsonObject("data");
      assertThat(data.getBoolean("degraded")).isFalse();
    }
    String ids = String.join("','", answered);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Long.parseLong(
                            shards.psql(
                                0, "select count(*) from executions where id in ('" + ids + "')"))
                        + Long.parseLong(
                            shards.psql(
                                1, "select count(*) from executions where id in ('" + ids + "')"))
                    == answered.size());
  }

  private static JsonObject runnerCheck(String health) {
    JsonArray checks = new JsonObject(health).getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if ("runner".equals(checks.getJsonObject(i).getString("name"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no runner check in " + health);
  }
}
