package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-flight autoscaling has something to scale on: the metric the operator's KEDA ScaledObject sums
 * for {@code spec.autoscaling.targetInFlight} is a gauge a running runner exports on {@code
 * /q/metrics}, and it counts a request while the request runs.
 */
@ExtendWith(LocalPlatformExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class InFlightMetricIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theMetricTheScaledObjectSumsIsExportedByARunnerAndCountsARunningRequest(
      LocalPlatform platform) {
    String metric = scaledObjectMetric(platform);
    platform
        .functions()
        .createFromConfigMap(
            "inflight-slow",
            "loop-forever",
            f -> {
              FunctionLimits limits = new FunctionLimits();
              limits.setFuel(10_000_000_000L);
              limits.setTimeout("4s");
              f.getSpec().setLimits(limits);
            });
    platform.functions().awaitReady("inflight-slow");
    LocalPlatform.RunnerPod runner = platform.runners().get(0);
    await("inflight-slow served by " + runner.name())
        .atMost(Duration.ofSeconds(60))
        .until(() -> runner.client().post("inflight-slow", "").status(), s -> s != 404);

    assertThat(gauge(runner, metric))
        .as("%s on /q/metrics of %s", metric, runner.name())
        .isPresent();
    CompletableFuture<RunnerClient.Reply> running =
        CompletableFuture.supplyAsync(() -> runner.client().post("inflight-slow", ""));
    await(metric + " counts the running request")
        .atMost(Duration.ofSeconds(10))
        .until(() -> gauge(runner, metric).orElse(0) >= 1);

    assertThat(running.join().status()).isEqualTo(504);
  }

  /**
   * The metric the KEDA ScaledObject the operator creates for a pool with targetInFlight sums in
   * its Prometheus query. KEDA's ScaledObject CRD is installed first (the operator's test copy), as
   * an admin would install KEDA; the operator notices it within its discovery interval.
   */
  private static String scaledObjectMetric(LocalPlatform platform) {
    if (platform
            .client()
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName("scaledobjects.keda.sh")
            .get()
        == null) {
      platform
          .client()
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .load(
              ProjectLayout.resolve("operator/src/test/resources/keda/keda.sh_scaledobjects.yaml")
                  .toFile())
          .create();
    }
    RunnerPool pool =
        Manifests.single(
            platform.client(), "deploy/samples/runnerpool-autoscaled.yaml", RunnerPool.class);
    pool.getMetadata().setName("inflight");
    pool.getMetadata().setNamespace(LocalPlatform.NAMESPACE);
    pool.getSpec().getAutoscaling().setTargetCPUUtilization(null);
    pool.getSpec().getAutoscaling().setTargetInFlight(8);
    platform.client().resource(pool).create();
    GenericKubernetesResource scaledObject =
        await("ScaledObject of pool inflight")
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    platform
                        .client()
                        .genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject")
                        .inNamespace(LocalPlatform.NAMESPACE)
                        .withName("inflight-runner")
                        .get(),
                so -> so != null);
    List<Map<String, Object>> triggers = scaledObject.get("spec", "triggers");
    @SuppressWarnings("unchecked")
    Map<String, String> metadata = (Map<String, String>) triggers.getFirst().get("metadata");
    Matcher query =
        Pattern.compile("^sum\\(([a-zA-Z_:][a-zA-Z0-9_:]*)\\{").matcher(metadata.get("query"));
    assertThat(query.find()).as("query %s", metadata.get("query")).isTrue();
    return query.group(1);
  }

  /** The runner's sample of {@code metric} on /q/metrics, if it exports one. */
  private static OptionalDouble gauge(LocalPlatform.RunnerPod runner, String metric) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + runner.managementPort() + "/q/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response
          .body()
          .lines()
          // A runner pod labels every series with its pool: metric{pool="…"} value.
          .filter(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{"))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
