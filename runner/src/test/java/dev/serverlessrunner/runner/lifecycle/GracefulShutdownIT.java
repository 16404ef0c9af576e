package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import dev.serverlessrunner.runner.testsupport.RunnerProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runner stopped with SIGTERM: it turns unready at once, keeps serving through the
 * endpoint-removal delay, then refuses new requests with a 503 that says to retry elsewhere while
 * running ones finish, and drains every backlog — no connection dropped, no answered execution
 * without its row.
 */
@Timeout(300)
class GracefulShutdownIT {

  private static final Duration DELAY = Duration.ofSeconds(2);

  @TempDir Path functions;
  private PostgresClusters shards;
  private RunnerProcess runner;

  @BeforeEach
  void start() throws Exception {
    shards = PostgresClusters.start(2);
    Files.write(functions.resolve("greeter.wasm"), Guests.bytes("greeter"));
    Files.write(functions.resolve("slow.wasm"), Guests.bytes("loop-forever"));
    Files.writeString(
        functions.resolve("slow.yaml"), "limits:\n  fuel: 10000000000\n  timeout: 2s\n");
    runner =
        RunnerProcess.start(
            functions,
            shards.uris(),
            functions.resolve("runner.log"),
            Map.of(
                "runner.shutdown.endpoint-removal-delay",
                DELAY.toMillis() + "ms",
                // Long batches: at SIGTERM most records are still waiting in the backlogs.
                "runner.recording.flush-interval",
                "5s",
                "runner.recording.max-rows",
                "100000"));
  }

  @AfterEach
  void stop() {
    if (runner != null) {
      runner.close();
    }
    if (shards != null) {
      shards.close();
    }
  }

  @Test
  void sigtermAnswersRunningRequestsAndDrainsEveryBacklog() throws Exception {
    List<String> answered = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> r = runner.post("/execute/greeter", "caller " + i);
      assertThat(r.statusCode()).isEqualTo(200);
      answered.add(r.headers().firstValue("X-Execution-Id").orElseThrow());
    }
    CompletableFuture<HttpResponse<String>> running =
        runner
            .http()
            .sendAsync(
                HttpRequest.newBuilder(URI.create(runner.base() + "/execute/slow")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> runner.metric("runner_invocations_in_flight") > 0);

    runner.sigterm();

    HttpResponse<String> slow = running.get(30, TimeUnit.SECONDS);
    assertThat(slow.statusCode()).isEqualTo(504);
    answered.add(slow.headers().firstValue("X-Execution-Id").orElseThrow());
    assertThat(runner.process().waitFor(60, TimeUnit.SECONDS)).as("runner exited").isTrue();
    assertThat(runner.log()).contains("every execution record written");
    assertEveryIdHasExactlyOneRow(answered);
  }

  @Test
  void sigtermUnderLoadDropsNoConnectionAndAnswersEveryRequest() throws Exception {
    Load load = new Load(runner, 16);
    await().atMost(Duration.ofSeconds(20)).until(() -> load.ok.size() > 200);

    long sigterm = System.nanoTime();
    load.sigtermAt = sigterm;
    runner.sigterm();
    // Readiness turns DOWN at once: before any invocation is refused.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> runner.management("/q/health/ready").statusCode() == 503);
    long unready = System.nanoTime();
    assertThat(new JsonObject(runner.management("/q/health/ready").body()).encode())
        .contains("\"shuttingDown\":true");

    assertThat(runner.process().waitFor(90, TimeUnit.SECONDS)).as("runner exited").isTrue();
    load.stop();

    assertThat(load.dropped).as("requests left without an HTTP answer").isEmpty();
    assertThat(load.unexpected).isEmpty();
    assertThat(load.okAfterSigterm.get())
        .as("2xx answered during the endpoint-removal delay")
        .isGreaterThan(0);
    assertThat(load.shuttingDown.get()).as("503 Runner is shutting down answers").isPositive();
    assertThat(load.firstRefused - unready)
        .as("readiness was down before the first request was refused")
        .isPositive();
    assertThat(runner.log()).contains("every execution record written");
    assertEveryIdHasExactlyOneRow(load.ok);
  }

  private void assertEveryIdHasExactlyOneRow(List<String> ids) {
    long rows = 0;
    for (int i = 0; i < shards.size(); i++) {
      rows += Long.parseLong(shards.psql(i, "select count(*) from executions"));
    }
    assertThat(rows).isEqualTo(ids.size());
    String list = String.join("','", ids);
    long matching = 0;
    for (int i = 0; i < shards.size(); i++) {
      matching +=
          Long.parseLong(
              shards.psql(i, "select count(*) from executions where id in ('" + list + "')"));
    }
    assertThat(matching).as("every answered execution id has its row").isEqualTo(ids.size());
  }

  /**
   * Clients posting in a loop, as they reach a runner through a Service. Half follow the endpoints:
   * they stop sending once the runner's readiness has been down for {@link #PROPAGATION} (the
   * endpoints controller drops a terminating pod at once; proxies learn it within moments). The
   * other half hold on to the pod until it answers them 503 with Retry-After, then go elsewhere as
   * told. Any request that gets no HTTP answer is a dropped one.
   */
  private static final class Load {
    static final Duration PROPAGATION = Duration.ofMillis(500);

    final List<String> ok = Collections.synchronizedList(new ArrayList<>());
    final List<String> dropped = Collections.synchronizedList(new ArrayList<>());
    final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger shuttingDown = new AtomicInteger();
    final AtomicInteger okAfterSigterm = new AtomicInteger();
    volatile long firstRefused;

    /** {@link System#nanoTime()} of the SIGTERM; requests sent after it are counted apart. */
    volatile long sigtermAt;

    private volatile boolean removedFromEndpoints;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ExecutorService clients;

    Load(RunnerProcess runner, int connections) {
      clients = Executors.newFixedThreadPool(connections + 1);
      clients.submit(() -> watchReadiness(runner));
      for (int c = 0; c < connections; c++) {
        int client = c;
        clients.submit(() -> loop(runner, client, client % 2 == 0));
      }
    }

    private Void watchReadiness(RunnerProcess runner) throws InterruptedException {
      long downSince = 0;
      while (!stopped.get() && !removedFromEndpoints) {
        boolean ready;
        try {
          ready = runner.management("/q/health/ready").statusCode() == 200;
        } catch (IOException e) {
          ready = false;
        }
        long now = System.nanoTime();
        if (ready) {
          downSince = 0;
        } else if (downSince == 0) {
          downSince = now;
        } else if (now - downSince >= PROPAGATION.toNanos()) {
          removedFromEndpoints = true;
        }
        Thread.sleep(50);
      }
      return null;
    }

    private void loop(RunnerProcess runner, int client, boolean followsEndpoints) {
      for (int i = 0; !stopped.get() && !(followsEndpoints && removedFromEndpoints); i++) {
        HttpResponse<String> r;
        long sent = System.nanoTime();
        try {
          r = runner.post("/execute/greeter", "client " + client + " #" + i);
        } catch (IOException e) {
          dropped.add(e.toString());
          return;
        } catch (InterruptedException e) {
          return;
        }
        if (r.statusCode() == 200) {
          ok.add(r.headers().firstValue("X-Execution-Id").orElseThrow());
          long at = sigtermAt;
          if (at != 0 && sent - at > 0) {
            okAfterSigterm.incrementAndGet();
          }
        } else if (r.statusCode() == 503
            && r.headers().firstValue("Retry-After").isPresent()
            && "close".equalsIgnoreCase(r.headers().firstValue("Connection").orElse(""))
            && "Runner is shutting down".equals(new JsonObject(r.body()).getString("error"))) {
          if (shuttingDown.getAndIncrement() == 0) {
            firstRefused = System.nanoTime();
          }
          return;
        } else {
          unexpected.add(r.statusCode() + " " + r.headers().map() + " " + r.body());
        }
      }
    }

    void stop() throws InterruptedException {
      stopped.set(true);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
