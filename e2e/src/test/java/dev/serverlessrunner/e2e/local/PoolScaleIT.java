package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.pool.RunnerPoolStatus;
import dev.serverlessrunner.e2e.local.LocalPlatform.RunnerPod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sample pool follows {@code kubectl scale} (its scale subresource): the operator sets the
 * Deployment's replicas, the {@link Kubelet} stand-in starts or stops runner processes to match,
 * new runners serve, removed ones drain, and a client of the pool's Service sees no failed request.
 * Each test starts by bringing the pool to the size it scales from, so they also run alone; in
 * order they go 2 → 4 → 2 → 0 → 2, then a changed pool spec rolls the two runners.
 */
@ExtendWith(LocalPlatformExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolScaleIT {

  private static final String FUNCTION = "scale-greeter";
  private static final int CLIENTS = 4;
  private static final Duration CLIENT_PAUSE = Duration.ofMillis(20);
  private static final long ANSWERS_PER_RUNNER = 20;
  private static final Duration SERVE_TIMEOUT = Duration.ofSeconds(120);
  private static final String DRAINED = "every execution record written; stopped";

  @BeforeAll
  static void createFunction(LocalPlatform platform) {
    platform.functions().createFromConfigMap(FUNCTION, "greeter", f -> {});
    platform.functions().awaitReady(FUNCTION);
    for (RunnerPod runner : platform.runners()) {
      Served.await(runner.client(), FUNCTION, "warm", SERVE_TIMEOUT);
    }
  }

  @AfterAll
  static void backToTheSamplesTwoReplicas(LocalPlatform platform) {
    // The other classes of this JVM share the platform and expect the sample's two runners.
    settle(platform, 2);
  }

  @Test
  @Order(1)
  void scalingUpAddsRunnersThatServeAndShareTheServicesLoad(LocalPlatform platform) {
    settle(platform, 2);
    List<String> before = names(platform.kubelet().pods());
    List<UUID> executions = new ArrayList<>();
    ServiceLoad.Result result;
    try (ServiceLoad load =
        ServiceLoad.start(platform.service(), FUNCTION, CLIENTS, CLIENT_PAUSE)) {
      Instant scaled = scale(platform, 4);
      List<RunnerPod> added = awaitNewPods(platform, before, 2);
      Map<String, Instant> firstAnswers = firstAnswers(added, executions);
      List<RunnerPod> all = platform.awaitRunners(4);
      awaitShare(load, all);
      result = load.stop();
      report(platform, "2 -> 4", scaled, added, firstAnswers);
    }

    assertThat(result.failures()).as("failed requests through the Service").isEmpty();
    assertThat(result.byPod().keySet())
        .as("runners that answered through the Service")
        .containsAll(names(platform.runners()));
    executions.addAll(result.executionIds());
    Records.awaitEachStoredOnce(platform.shards(), executions);
    assertThat(platform.pool().get().getStatus().getReplicas()).isEqualTo(4);
  }

  @Test
  @Order(2)
  void scalingDownDrainsTheRemovedRunnersWithoutAFailedRequest(LocalPlatform platform) {
    settle(platform, 4);
    List<RunnerPod> before = platform.kubelet().pods();
    ServiceLoad.Result result;
    try (ServiceLoad load =
        ServiceLoad.start(platform.service(), FUNCTION, CLIENTS, CLIENT_PAUSE)) {
      awaitShare(load, before);
      scale(platform, 2);
      platform.awaitRunners(2);
      result = load.stop();
    }

    List<String> kept = names(platform.runners());
    List<RunnerPod> removed = before.stream().filter(p -> !kept.contains(p.name())).toList();
    assertThat(removed).hasSize(2);
    assertThat(result.failures()).as("failed requests through the Service").isEmpty();
    for (RunnerPod pod : removed) {
      assertDrained(platform, pod);
      Instant terminating = platform.kubelet().state(pod.name()).terminating().orElseThrow();
      long afterSigterm =
          result.answers().stream()
              .filter(a -> a.pod().equals(pod.name()) && a.at().isAfter(terminating))
              .count();
      System.out.printf(
          "e2e scale 4 -> 2: %s answered %d requests after SIGTERM, then stopped%n",
          pod.name(), afterSigterm);
      assertThat(afterSigterm).as("answers of %s after its SIGTERM", pod.name()).isPositive();
    }
    Records.awaitEachStoredOnce(platform.shards(), result.executionIds());
  }

  @Test
  @Order(3)
  void scalingToZeroStopsEveryRunnerAndThePoolSaysSo(LocalPlatform platform) {
    settle(platform, 2);
    List<RunnerPod> before = platform.kubelet().pods();

    scale(platform, 0);
    platform.awaitRunners(0);

    assertThat(platform.kubelet().endpoints()).isEmpty();
    for (RunnerPod pod : before) {
      assertDrained(platform, pod);
      assertThatThrownBy(() -> pod.client().post(FUNCTION, "gone"))
          .isInstanceOf(UncheckedIOException.class);
    }
    Deployment deployment = deployment(platform);
    assertThat(deployment.getSpec().getReplicas()).isZero();
    assertThat(deployment.getStatus().getReplicas()).isZero();
    RunnerPoolStatus status = platform.pool().get().getStatus();
    assertThat(Conditions.find(status, "Ready").orElseThrow().getReason())
        .isEqualTo("ScaledToZero");
    assertThat(Conditions.isTrue(status, "Available")).isFalse();
    assertThat(status.getReplicas()).isZero();
    // maxUnavailable, not minAvailable: a pool of zero pods blocks no node drain.
    assertThat(pdb(platform).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb(platform).getSpec().getMinAvailable()).isNull();
  }

  @Test
  @Order(4)
  void scalingUpFromZeroServesAgain(LocalPlatform platform) {
    settle(platform, 0);
    List<UUID> executions = new ArrayList<>();

    Instant scaled = scale(platform, 2);
    List<RunnerPod> added = awaitNewPods(platform, List.of(), 2);
    Map<String, Instant> firstAnswers = firstAnswers(added, executions);
    platform.awaitRunners(2);
    report(platform, "0 -> 2", scaled, added, firstAnswers);

    ServiceLoad.Result result;
    try (ServiceLoad load =
        ServiceLoad.start(platform.service(), FUNCTION, CLIENTS, CLIENT_PAUSE)) {
      awaitShare(load, added);
      result = load.stop();
    }
    assertThat(result.failures()).as("failed requests through the Service").isEmpty();
    executions.addAll(result.executionIds());
    Records.awaitEachStoredOnce(platform.shards(), executions);
  }

  @Test
  @Order(5)
  void aChangedPoolRollsItsRunnersOneByOneWithoutAFailedRequest(LocalPlatform platform) {
    settle(platform, 2);
    List<String> before = names(platform.kubelet().pods());
    ServiceLoad.Result result;
    try (ServiceLoad load =
        ServiceLoad.start(platform.service(), FUNCTION, CLIENTS, CLIENT_PAUSE)) {
      // Any change of the pod template will do; this one changes one environment variable.
      platform
          .pool()
          .edit(
              p -> {
                p.getSpec().getPersistence().getBatch().setFlushInterval("20ms");
                return p;
              });
      await("runners replaced")
          .atMost(SERVE_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  platform.kubelet().readyPods().size() == 2
                      && platform.kubelet().pods().stream()
                          .noneMatch(p -> before.contains(p.name())));
      List<RunnerPod> replaced = platform.awaitRunners(2);
      awaitShare(load, replaced);
      result = load.stop();
    }

    Deployment deployment = deployment(platform);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
        .anyMatch(e -> e.getValue() != null && e.getValue().equals("20ms"));
    assertThat(deployment.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(result.failures()).as("failed requests through the Service").isEmpty();
    for (String name : before) {
      RunnerPod pod = platform.kubelet().state(name).pod();
      assertDrained(platform, pod);
    }
    Records.awaitEachStoredOnce(platform.shards(), result.executionIds());
  }

  /**
   * Scales the pool through its scale subresource ({@code PUT .../runnerpools/default/scale};
   * kubectl scale PATCHes the same, but cannot run against the mock API server, which serves no
   * discovery for custom resources); when it was sent.
   */
  private static Instant scale(LocalPlatform platform, int replicas) {
    Instant sent = Instant.now();
    platform.pool().scale(replicas);
    return sent;
  }

  /** Brings the pool to {@code replicas} settled runners, whatever an earlier test left. */
  private static void settle(LocalPlatform platform, int replicas) {
    if (!Integer.valueOf(replicas).equals(platform.pool().get().getSpec().getReplicas())) {
      scale(platform, replicas);
    }
    platform.awaitRunners(replicas);
  }

  private static Deployment deployment(LocalPlatform platform) {
    return platform
        .client()
        .apps()
        .deployments()
        .inNamespace(LocalPlatform.NAMESPACE)
        .withName(platform.poolName() + "-runner")
        .get();
  }

  private static PodDisruptionBudget pdb(LocalPlatform platform) {
    return platform
        .client()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(LocalPlatform.NAMESPACE)
        .withName(platform.poolName() + "-runner")
        .get();
  }

  /** The {@code count} pods the kubelet started besides {@code before}. */
  private static List<RunnerPod> awaitNewPods(
      LocalPlatform platform, List<String> before, int count) {
    return await(count + " new runner pods")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                platform.kubelet().pods().stream().filter(p -> !before.contains(p.name())).toList(),
            added -> added.size() == count);
  }

  /**
   * Calls each new runner directly, every 20 ms, until it answers 200; when each did. The ids of
   * those answers go to {@code executions}.
   */
  private static Map<String, Instant> firstAnswers(List<RunnerPod> pods, List<UUID> executions) {
    Map<String, Instant> at = new ConcurrentHashMap<>();
    // One thread per pod, so that one runner's wait does not delay another's measurement.
    try (ExecutorService callers = Executors.newFixedThreadPool(pods.size())) {
      List<Future<RunnerClient.Reply>> replies = new ArrayList<>();
      for (RunnerPod pod : pods) {
        replies.add(
            callers.submit(
                () -> {
                  RunnerClient.Reply reply =
                      await(pod.name() + " answering 200")
                          .atMost(SERVE_TIMEOUT)
                          .pollDelay(Duration.ZERO)
                          .pollInterval(Duration.ofMillis(20))
                          .ignoreException(UncheckedIOException.class)
                          .until(
                              () -> pod.client().post(FUNCTION, "first"), r -> r.status() == 200);
                  at.put(pod.name(), Instant.now());
                  return reply;
                }));
      }
      for (Future<RunnerClient.Reply> reply : replies) {
        executions.add(reply.get().executionId().orElseThrow());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new AssertionError("a new runner never answered 200", e.getCause());
    }
    return at;
  }

  /** Waits until every one of {@code pods} has answered its share of the Service's requests. */
  private static void awaitShare(ServiceLoad load, List<RunnerPod> pods) {
    await("each of " + names(pods) + " answering through the Service")
        .atMost(Duration.ofSeconds(60))
        .until(() -> pods.stream().allMatch(p -> load.answeredBy(p.name()) >= ANSWERS_PER_RUNNER));
  }

  /** Stopped by SIGTERM within its grace period, after writing every record it held. */
  private static void assertDrained(LocalPlatform platform, RunnerPod pod) {
    Kubelet.PodState state = platform.kubelet().state(pod.name());
    assertThat(state.exited()).as("%s exited", pod.name()).isPresent();
    assertThat(state.killed()).as("%s needed SIGKILL", pod.name()).isFalse();
    assertThat(pod.process().logTail(20_000)).as("log of %s", pod.name()).contains(DRAINED);
  }

  /** Prints, per new runner, how long after the scale request it started, was ready, served. */
  private static void report(
      LocalPlatform platform,
      String change,
      Instant scaled,
      List<RunnerPod> added,
      Map<String, Instant> firstAnswers) {
    for (RunnerPod pod : added) {
      Kubelet.PodState state = platform.kubelet().state(pod.name());
      System.out.printf(
          "e2e scale %s: %s process started %s, ready %s, first 200 %s after the scale request%n",
          change,
          pod.name(),
          since(scaled, state.created()),
          state.ready().map(r -> since(scaled, r)).orElse("never"),
          since(scaled, firstAnswers.get(pod.name())));
    }
  }

  private static String since(Instant from, Instant to) {
    return String.format("%.2f s", Duration.between(from, to).toMillis() / 1000.0);
  }

  private static List<String> names(List<RunnerPod> pods) {
    return pods.stream().map(RunnerPod::name).toList();
  }
}
