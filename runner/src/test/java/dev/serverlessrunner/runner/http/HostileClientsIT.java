package dev.serverlessrunner.runner.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.LoopbackPorts;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runner with a small heap ({@code -XX:+ExitOnOutOfMemoryError}, as in the image)
 * under 600 uploads of just under 1 MiB that stall before their last byte — 600 MiB of declared
 * bodies against a 256 MiB heap: it stays up, normal clients keep being served, and the body bytes
 * it holds never pass its budget.
 */
@Timeout(300)
class HostileClientsIT {

  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final int UPLOADS = 600;
  private static final int UPLOAD_BYTES = (1 << 20) - 1;

  @TempDir Path functions;
  private PostgresClusters shards;
  private Process runner;
  private int port;
  private String management;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    assertThat(JAR).as("the packaged runner (mvn package runs before integration tests)").exists();
    shards = PostgresClusters.start(1);
    Files.write(functions.resolve("greeter.wasm"), Guests.bytes("greeter"));
    port = LoopbackPorts.free();
    int managementPort = LoopbackPorts.free();
    runner =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Drunner.functions.dir=" + functions,
                "-Drunner.recording.shards=" + String.join(",", shards.uris()),
                "-Drunner.http.body-timeout=10s",
                // Small enough for the start-up heap check on a 256 MiB heap: one worker, 16 MiB
                // guests, a short queue and backlog; bodies still far exceed the heap.
                "-Drunner.execution.threads=1",
                "-Drunner.execution.queue-capacity=64",
                "-Drunner.limits.memory-bytes=16777216",
                "-Drunner.limits.ceiling.memory-bytes=16777216",
                "-Drunner.recording.queue-capacity=2000",
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(functions.resolve("runner.log").toFile())
            .start();
    management = "http://127.0.0.1:" + managementPort;
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> get(management + "/q/health/ready").statusCode() == 200);
  }

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
  void stalledUploadsNeitherKillTheRunnerNorStarveNormalClients() throws Exception {
    // Read once it is exported: a scrape on a machine at load 28 once found no budget series yet.
    long budget =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> metric("runner_http_body_bytes_budget_bytes"), b -> b > 0);
    assertThat(budget).isLessThan((long) UPLOADS * UPLOAD_BYTES);
    ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> heldSamples = new ConcurrentLinkedQueue<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < UPLOADS; i++) {
        threads.submit(() -> stalledUpload(open));
      }
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        clients.add(threads.submit(() -> normalClient(150, ok, failed)));
      }
      while (clients.stream().anyMatch(f -> !f.isDone())) {
        heldSamples.add(metric("runner_http_body_bytes_held_bytes"));
        Thread.sleep(250);
      }

      assertThat(runner.isAlive()).as("runner still running").isTrue();
      assertThat(ok.get() + failed.get()).isEqualTo(600);
      assertThat(ok.get()).as("normal requests answered 200").isGreaterThanOrEqualTo(570);
      assertThat(heldSamples)
          .isNotEmpty()
          .allSatisfy(held -> assertThat(held).isLessThanOrEqualTo(budget));
      assertThat(metric("runner_http_refused_total{reason=\"body_budget\"}"))
          .as("uploads beyond the budget refused before their bodies were read")
          .isPositive();
      // The admitted uploads never finish: the body timeout ends them and gives the budget back.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> metric("runner_http_body_bytes_held_bytes") == 0);
      threads.shutdownNow();
    } finally {
      for (Socket socket : open) {
        socket.close();
      }
    }
    assertThat(runner.isAlive()).isTrue();
  }

  private Void stalledUpload(ConcurrentLinkedQueue<Socket> open) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    open.add(socket);
    socket.setSoTimeout(90_000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /execute/greeter HTTP/1.1\r\nHost: runner\r\nContent-Length: "
                + UPLOAD_BYTES
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'a');
    try {
      for (int left = UPLOAD_BYTES - 1; left > 0; left -= chunk.length) {
        out.write(chunk, 0, Math.min(left, chunk.length));
      }
      out.flush();
      // Stalls here, one byte short, until the runner answers and closes.
      socket.getInputStream().readAllBytes();
    } catch (IOException e) {
      // refused and closed while still sending: what a refused upload looks like
    }
    return null;
  }

  private Void normalClient(int requests, AtomicInteger ok, AtomicInteger failed) {
    for (int i = 0; i < requests; i++) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/execute/greeter"))
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("Alice"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        (r.statusCode() == 200 ? ok : failed).incrementAndGet();
      } catch (IOException e) {
        failed.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private long metric(String name) throws IOException, InterruptedException {
    return get(management + "/q/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(-1);
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
