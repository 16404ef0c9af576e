package dev.serverlessrunner.runner.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * The packaged runner ({@code target/quarkus-app}, built by {@code mvn package} before integration
 * tests) as a real process on a free loopback port, with its log in a file; stopped forcibly by
 * {@link #close()} if a test left it running.
 */
public final class RunnerProcess implements AutoCloseable {

  /** The packaged runner. */
  public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

  private final Process process;
  private final Path log;
  private final String base;
  private final String management;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private RunnerProcess(Process process, Path log, String base, String management) {
    this.process = process;
    this.log = log;
    this.base = base;
    this.management = management;
  }

  /**
   * Starts a runner serving {@code functions} and recording into {@code shardUris}, with extra
   * system properties, and waits until it is ready.
   */
  public static RunnerProcess start(
      Path functions, List<String> shardUris, Path log, Map<String, String> properties) {
    assertThat(JAR).as("the packaged runner (mvn package runs before integration tests)").exists();
    int port = LoopbackPorts.free();
    int managementPort = LoopbackPorts.free();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.management.host=127.0.0.1");
    command.add("-Dquarkus.management.port=" + managementPort);
    command.add("-Drunner.functions.dir=" + functions);
    command.add("-Drunner.recording.shards=" + String.join(",", shardUris));
    // A spool of its own: the default one in the home directory is shared by every runner.
    command.add("-Drunner.recording.spool.dir=" + log.resolveSibling(log.getFileName() + ".spool"));
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(JAR.toString());
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      RunnerProcess runner =
          new RunnerProcess(
              process, log, "http://127.0.0.1:" + port, "http://127.0.0.1:" + managementPort);
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> runner.management("/q/health/ready").statusCode() == 200);
      return runner;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:port} of the invocation port. */
  public String base() {
    return base;
  }

  /** An HTTP/1.1 client for this runner. */
  public HttpClient http() {
    return http;
  }

  /** The OS process. */
  public Process process() {
    return process;
  }

  /** Sends SIGTERM, as the kubelet does when a pod is deleted. */
  public void sigterm() {
    process.destroy();
  }

  /** The runner's console output so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET on the invocation port. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET on the management port (health, metrics). */
  public HttpResponse<String> management(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(management + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** POST on the invocation port. */
  public HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of an unlabelled Prometheus series on {@code /q/metrics}, or NaN when absent. */
  public double metric(String series) throws IOException, InterruptedException {
    return management("/q/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
