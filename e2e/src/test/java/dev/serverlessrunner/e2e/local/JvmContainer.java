package dev.serverlessrunner.e2e.local;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one of our Quarkus images' applications as a local process the way its container would: the
 * JVM flags of the image's {@code JAVA_OPTS} (heap 75 % of the container's memory limit), the
 * container's environment, and readiness by its probe's path.
 */
public final class JvmContainer {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private JvmContainer() {}

  /** Starts {@code jar} as {@code container} would run it, with {@code env} as its environment. */
  public static ChildProcess start(
      String name, Path jar, Container container, Map<String, String> env, Path log) {
    List<String> command = new ArrayList<>();
    command.add(ProjectLayout.java().toString());
    command.add("-Xmx" + heapMegabytes(container) + "m");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    command.add("-jar");
    command.add(jar.toString());
    return ChildProcess.start(name, command, env, log);
  }

  /**
   * Waits until {@code GET /q/health/ready} on {@code port} (the runner's management port, the
   * operator's HTTP port) answers 200; fails if the process dies.
   */
  public static void awaitReady(ChildProcess process, int port) {
    URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
    await("readiness of " + process.name())
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .failFast(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    process.name() + " exited; its log ends with:\n" + process.logTail(4000));
              }
            })
        .ignoreExceptions()
        .until(
            () ->
                HTTP.send(
                            HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
  }

  /** Three quarters of the memory limit (the images' {@code -XX:MaxRAMPercentage=75}). */
  static long heapMegabytes(Container container) {
    Quantity limit =
        container.getResources() == null || container.getResources().getLimits() == null
            ? null
            : container.getResources().getLimits().get("memory");
    if (limit == null) {
      return 512;
    }
    BigDecimal bytes = Quantity.getAmountInBytes(limit);
    return bytes
        .multiply(BigDecimal.valueOf(3))
        .divide(BigDecimal.valueOf(4 * 1024 * 1024))
        .longValue();
  }
}
