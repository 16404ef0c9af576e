package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.e2e.deploy.DeployQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric the dashboards, alerts and adapter rules of deploy/ query is one a real runner or
 * the real operator exports, once functions have succeeded, failed and timed out; only the external
 * metrics DeployQueries lists (kube-state-metrics, Prometheus' own) come from elsewhere.
 */
@ExtendWith(LocalPlatformExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MonitoringMetricsIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static String runnerMetrics;
  private static String operatorMetrics;

  @BeforeAll
  static void invokeOkFailingAndTimingOutFunctions(LocalPlatform platform) {
    deploy(platform, "metrics-ok", "greeter");
    deploy(platform, "metrics-exit", "exit-nonzero");
    deploy(platform, "metrics-loop", "loop-forever");
    LocalPlatform.RunnerPod runner = platform.runners().getFirst();
    assertThat(call(runner, "metrics-ok")).isEqualTo(200);
    assertThat(call(runner, "metrics-exit")).isEqualTo(500);
    assertThat(call(runner, "metrics-loop")).isEqualTo(504);
    runnerMetrics = scrape(runner.managementPort());
    operatorMetrics = scrape(platform.operatorPort());
    // Kept beside the process logs: what a failure of this class compared against.
    write("runner-metrics.txt", runnerMetrics);
    write("operator-metrics.txt", operatorMetrics);
  }

  @Test
  void everyMetricDeployQueriesIsExportedByARunnerOrTheOperator() {
    Set<String> exported = new TreeSet<>(seriesNames(runnerMetrics));
    exported.addAll(seriesNames(operatorMetrics));
    List<DeployQueries.Query> queries = DeployQueries.all();

    Map<String, Set<String>> missing = new TreeMap<>();
    for (DeployQueries.Query query : queries) {
      for (String metric : query.metrics()) {
        if (!exported.contains(metric) && !DeployQueries.EXTERNAL_METRICS.contains(metric)) {
          missing.computeIfAbsent(metric, m -> new TreeSet<>()).add(query.origin());
        }
      }
    }

    assertThat(queries).as("PromQL expressions under deploy/").hasSizeGreaterThan(30);
    assertThat(missing).as("metrics queried under deploy/ that nothing exports").isEmpty();
  }

  @Test
  void invocationMetricsCarryTheFunctionAndThePoolOfTheRunnerPod(LocalPlatform platform) {
    String pool = "pool=\"" + platform.poolName() + "\"";

    assertThat(sample(runnerMetrics, "faas_invocations_total", "faas_name=\"metrics-ok\""))
        .contains(pool)
        .endsWith(" 1.0");
    assertThat(sample(runnerMetrics, "faas_errors_total", "faas_name=\"metrics-exit\""))
        .contains("error_type=\"exit\"")
        .endsWith(" 1.0");
    assertThat(sample(runnerMetrics, "faas_timeouts_total", "faas_name=\"metrics-loop\""))
        .endsWith(" 1.0");
    assertThat(sample(runnerMetrics, "runner_records_backlog", "shard=")).contains(pool);
  }

  private static String sample(String metrics, String name, String containing) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + "{") && l.contains(containing))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " sample with " + containing));
  }

  /** The names of the samples of a Prometheus text exposition, suffixes such as _bucket kept. */
  private static Set<String> seriesNames(String exposition) {
    return exposition
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0])
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static void deploy(LocalPlatform platform, String name, String guest) {
    platform.functions().createFromConfigMap(name, guest, MonitoringMetricsIT::tightLimits);
    platform.functions().awaitReady(name);
  }

  private static int call(LocalPlatform.RunnerPod runner, String function) {
    return Awaitility.await(function + " served by " + runner.name())
        .atMost(Duration.ofSeconds(30))
        .until(() -> runner.client().post(function, "metrics"), r -> r.status() != 404)
        .status();
  }

  private static void tightLimits(WasmFunction function) {
    FunctionLimits limits = new FunctionLimits();
    limits.setFuel(20_000_000L);
    limits.setTimeout("5s");
    limits.setMemory("16Mi");
    function.getSpec().setLimits(limits);
    function.getSpec().setEnv(List.of());
    function.getSpec().setArgs(List.of());
  }

  private static void write(String file, String content) {
    try {
      Path dir = ProjectLayout.target().resolve("e2e-logs");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(file), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String scrape(int port) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET :%d/q/metrics", port).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
