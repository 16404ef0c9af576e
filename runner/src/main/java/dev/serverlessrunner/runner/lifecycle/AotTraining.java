package dev.serverlessrunner.runner.lifecycle;

import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The training run of the JVM's ahead-of-time cache ({@code runner.startup.aot-training}): after
 * the preload, invokes every served function a few times over the runner's own HTTP port, reads
 * readiness and metrics on the management port, and exits, so that the JVM writing the cache has
 * seen the classes (and profiles) of a start and of the request path.
 */
@ApplicationScoped
public class AotTraining {

  private static final Logger LOG = Logger.getLogger(AotTraining.class);
  private static final int ROUNDS = 20;

  private final RunnerConfig config;
  private final FunctionRegistry functions;
  private final int httpPort;
  private final int managementPort;

  public AotTraining(
      RunnerConfig config,
      FunctionRegistry functions,
      @ConfigProperty(name = "quarkus.http.port") int httpPort,
      @ConfigProperty(name = "quarkus.management.port") int managementPort) {
    this.config = config;
    this.functions = functions;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
  }

  /** After {@link RunnerLifecycle}'s preload (a later priority runs later). */
  void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
    if (!config.startup().aotTraining()) {
      return;
    }
    Thread.ofPlatform().name("aot-training").start(this::train);
  }

  private void train() {
    int exit = 0;
    try {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      awaitReady(client);
      List<String> names = List.copyOf(new TreeSet<>(functions.names()));
      int ok = 0;
      for (int round = 0; round < ROUNDS; round++) {
        for (String name : names) {
          ok += send(client, httpPort, "POST", "/execute/" + name) == 200 ? 1 : 0;
        }
        send(client, httpPort, "GET", "/execute/no-such-function");
        send(client, managementPort, "GET", "/q/health/ready");
      }
      send(client, managementPort, "GET", "/q/metrics");
      LOG.infof(
          "AOT training: %d of %d invocations of %s answered 200; exiting",
          ok, ROUNDS * names.size(), names);
    } catch (IOException | RuntimeException e) {
      LOG.error("AOT training failed; exiting", e);
      exit = 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = 1;
    }
    Quarkus.asyncExit(exit);
  }

  /** The HTTP server may start listening only after the startup observers returned. */
  private void awaitReady(HttpClient client) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() - deadline < 0) {
      try {
        if (send(client, managementPort, "GET", "/q/health/ready") == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the runner was not ready within 60 s");
  }

  private static int send(HttpClient client, int port, String method, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                method.equals("POST")
                    ? HttpRequest.BodyPublishers.ofString("training")
                    : HttpRequest.BodyPublishers.noBody())
            .build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
