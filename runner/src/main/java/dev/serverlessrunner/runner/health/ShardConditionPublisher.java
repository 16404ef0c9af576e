package dev.serverlessrunner.runner.health;

import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * In a runner pod, checks every {@link #INTERVAL_SECONDS} seconds which shards are unreachable and
 * keeps {@link PodShardCondition} on the pod up to date; the API server is called only on change.
 */
@ApplicationScoped
public class ShardConditionPublisher {

  /** Shard reachability itself is probed every 2 s (recording probe interval). */
  static final long INTERVAL_SECONDS = 2;

  private static final Logger LOG = Logger.getLogger(ShardConditionPublisher.class);

  private final RunnerConfig config;
  private final ExecutionRecorder recorder;
  private final Instance<KubernetesClient> kubernetes;
  private ScheduledExecutorService timer;
  private boolean failing;

  public ShardConditionPublisher(
      RunnerConfig config, ExecutionRecorder recorder, Instance<KubernetesClient> kubernetes) {
    this.config = config;
    this.recorder = recorder;
    this.kubernetes = kubernetes;
  }

  void start(@Observes StartupEvent event) {
    RunnerConfig.Kubernetes k = config.kubernetes();
    if (k.pool().isEmpty() || k.podName().isEmpty()) {
      return;
    }
    KubernetesClient client = kubernetes.get();
    PodShardCondition condition =
        new PodShardCondition(
            client,
            k.namespace().orElseGet(client::getNamespace),
            k.podName().get(),
            Clock.systemUTC());
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("runner-shard-condition").unstarted(r));
    timer.scheduleWithFixedDelay(() -> publish(condition), 0, INTERVAL_SECONDS, TimeUnit.SECONDS);
  }

  private void publish(PodShardCondition condition) {
    try {
      condition.publish(recorder.unreachableShards());
      if (failing) {
        LOG.info("the pod's ShardsAvailable condition is written again");
      }
      failing = false;
    } catch (RuntimeException e) {
      // Only the pool's status depends on it: keep serving, say it once, try again next time.
      if (!failing) {
        LOG.warnf(
            "could not write the pod's ShardsAvailable condition (retrying): %s", e.toString());
      }
      failing = true;
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
