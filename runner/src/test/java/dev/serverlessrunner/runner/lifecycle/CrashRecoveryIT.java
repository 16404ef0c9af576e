package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runner killed with SIGKILL under load, then started again on the same spool
 * directory: every execution that was answered 2xx has exactly one row.
 */
@Timeout(300)
class CrashRecoveryIT {

  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final int CLIENTS = 16;
  private static final Logger LOG = Logger.getLogger(CrashRecoveryIT.class.getName());

  @TempDir Path work;
  private Path functions;
  private Path spool;
  private PostgresClusters shards;
  private Process runner;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    assertThat(JAR).as("the packaged runner (mvn package runs before integration tests)").exists();
    shards = PostgresClusters.start(2);
    functions = Files.createDirectories(work.resolve("functions"));
    spool = work.resolve("spool");
    Files.write(functions.resolve("greeter.wasm"), Guests.bytes("greeter"));
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

  /** Where a started runner answers invocations and, on its management port, health and metrics. */
  private record Endpoints(String base, String management) {}

  /** Starts the packaged runner on the spool directory and waits until it is ready. */
  private Endpoints startRunner(String logName) throws Exception {
    int port = freePort();
    int managementPort = freePort();
    runner =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Drunner.functions.dir=" + functions,
                "-Drunner.recording.shards=" + String.join(",", shards.uris()),
                "-Drunner.recording.spool.dir=" + spool,
                // Records wait up to a second for their batch: at the kill, many are answered but
                // not yet written.
                "-Drunner.recording.flush-interval=1s",
                "-Drunner.recording.max-rows=100000",
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(logName).toFile())
            .start();
    Endpoints endpoints =
        new Endpoints("http://127.0.0.1:" + port, "http://127.0.0.1:" + managementPort);
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> get(endpoints.management() + "/q/health/ready").statusCode() == 200);
    return endpoints;
  }

  @Test
  void sigkillUnderLoadLosesNoAnsweredRecord() throws Exception {
    String base = startRunner("runner-1.log").base();
    ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch loaded = new CountDownLatch(2_000);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      clients.execute(
          () -> {
            for (int i = 0; !stop.get(); i++) {
              try {
                HttpResponse<String> r = post(base + "/execute/greeter", "c" + client + "-" + i);
                if (r.statusCode() / 100 == 2) {
                  answered.add(r.headers().firstValue("X-Execution-Id").orElseThrow());
                  loaded.countDown();
                }
              } catch (IOException e) {
                // The runner is gone: an unanswered request promises nothing.
              } catch (InterruptedException e) {
                return;
              }
            }
          });
    }
    assertThat(loaded.await(120, TimeUnit.SECONDS)).as("load reached 2,000 answers").isTrue();

    runner.destroyForcibly(); // SIGKILL
    assertThat(runner.waitFor(30, TimeUnit.SECONDS)).isTrue();
    stop.set(true);
    clients.shutdown();
    assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    List<String> ids = List.copyOf(answered);
    long rowsAtKill = rowsOf(ids);
    assertThat(rowsAtKill)
        .as("answered records not yet written when the process died (the case under test)")
        .isLessThan(ids.size());

    String restarted = startRunner("runner-2.log").management();
    LOG.info(
        () ->
            "SIGKILL under load: "
                + ids.size()
                + " answered 2xx, "
                + rowsAtKill
                + " of them had a row when the process died; after the restart: "
                + rowsOf(ids));

    assertThat(rowsOf(ids)).as("every answered execution has its row").isEqualTo(ids.size());
    assertThat(duplicates(ids)).as("and only one").isEmpty();
    assertThat(metric(restarted, "runner_records_replayed_total"))
        .as(
            "replayed records counted; metrics:\n%s",
            get(restarted + "/q/metrics")
                .body()
                .lines()
                .filter(l -> l.contains("spool") || l.contains("replayed"))
                .collect(Collectors.joining("\n")))
        .isGreaterThanOrEqualTo(ids.size() - rowsAtKill);
  }

  /** Rows among {@code ids}, over both shards. */
  private long rowsOf(List<String> ids) {
    String list = ids.stream().collect(Collectors.joining("','", "('", "')"));
    long rows = 0;
    for (int i = 0; i < shards.size(); i++) {
      rows += Long.parseLong(shards.psql(i, "select count(*) from executions where id in " + list));
    }
    return rows;
  }

  /** Ids stored more than once across both shards (never, with one primary key per shard). */
  private Map<String, Long> duplicates(List<String> ids) {
    String list = ids.stream().collect(Collectors.joining("','", "('", "')"));
    List<String> stored = new ArrayList<>();
    for (int i = 0; i < shards.size(); i++) {
      String out = shards.psql(i, "select id from executions where id in " + list);
      if (!out.isBlank()) {
        stored.addAll(out.lines().map(String::strip).toList());
      }
    }
    return stored.stream()
        .collect(Collectors.groupingBy(id -> id, Collectors.counting()))
        .entrySet()
        .stream()
        .filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private double metric(String base, String name) throws Exception {
    return get(base + "/q/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String uri, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
