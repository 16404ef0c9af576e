package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.LoopbackPorts;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runner, stopped with SIGTERM while records wait in its backlogs and a guest is still
 * running: the running request is answered and every answered execution has its row.
 */
@Timeout(240)
class GracefulShutdownIT {

  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  @TempDir Path functions;
  private PostgresClusters shards;
  private Process runner;
  private Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    assertThat(JAR).as("the packaged runner (mvn package runs before integration tests)").exists();
    shards = PostgresClusters.start(2);
    Files.write(functions.resolve("greeter.wasm"), Guests.bytes("greeter"));
    Files.write(functions.resolve("slow.wasm"), Guests.bytes("loop-forever"));
    Files.writeString(
        functions.resolve("slow.yaml"), "limits:\n  fuel: 10000000000\n  timeout: 2s\n");
    int port = LoopbackPorts.free();
    int managementPort = LoopbackPorts.free();
    log = functions.resolve("runner.log");
    runner =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPort,
                "-Drunner.functions.dir=" + functions,
                "-Drunner.recording.shards=" + String.join(",", shards.uris()),
                // Long batches: at SIGTERM most records are still waiting in the backlogs.
                "-Drunner.recording.flush-interval=5s",
                "-Drunner.recording.max-rows=100000",
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    base = "http://127.0.0.1:" + port;
    management = "http://127.0.0.1:" + managementPort;
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> get(management + "/q/health/ready").statusCode() == 200);
  }

  private String base;
  private String management;

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.destroyForcibly();
    }
    if (shards != null) {
      shards.close();
    }
  }

  @Test
  void sigtermAnswersRunningRequestsAndDrainsEveryBacklog() throws Exception {
    List<String> answered = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> r = post("/execute/greeter", "caller " + i);
      assertThat(r.statusCode()).isEqualTo(200);
      answered.add(r.headers().firstValue("X-Execution-Id").orElseThrow());
    }
    CompletableFuture<HttpResponse<String>> running =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/execute/slow")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> inFlight() > 0);

    runner.destroy(); // SIGTERM

    HttpResponse<String> slow = running.get(30, TimeUnit.SECONDS);
    assertThat(slow.statusCode()).isEqualTo(504);
    answered.add(slow.headers().firstValue("X-Execution-Id").orElseThrow());
    assertThat(runner.waitFor(60, TimeUnit.SECONDS)).as("runner exited").isTrue();
    assertThat(Files.readString(log)).contains("every execution record written");

    long rows = 0;
    for (int i = 0; i < shards.size(); i++) {
      rows += Long.parseLong(shards.psql(i, "select count(*) from executions"));
    }
    assertThat(rows).isEqualTo(answered.size());
    String ids = String.join("','", answered);
    long matching = 0;
    for (int i = 0; i < shards.size(); i++) {
      matching +=
          Long.parseLong(
              shards.psql(i, "select count(*) from executions where id in ('" + ids + "')"));
    }
    assertThat(matching).as("every answered execution id has its row").isEqualTo(answered.size());
  }

  private double inFlight() throws IOException, InterruptedException {
    return get(management + "/q/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("runner_invocations_in_flight "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
