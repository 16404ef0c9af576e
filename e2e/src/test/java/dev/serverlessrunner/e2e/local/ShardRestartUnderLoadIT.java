package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A shard crashes and comes back while both runners are under load: every answer that said 2xx must
 * end up as exactly one row, once the runners' backlogs have drained.
 */
@ExtendWith(LocalPlatformExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ShardRestartUnderLoadIT {

  private static final int CLIENTS_PER_RUNNER = 2;
  private static final Duration PHASE = Duration.ofSeconds(3);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);

  @Test
  void everySuccessfulAnswerHasExactlyOneRowAfterAShardRestart(LocalPlatform platform)
      throws Exception {
    platform.functions().createFromConfigMap("load-greeter", "greeter", f -> {});
    platform.functions().awaitReady("load-greeter");
    for (LocalPlatform.RunnerPod runner : platform.runners()) {
      Served.await(runner.client(), "load-greeter", "warm", Duration.ofSeconds(30));
    }

    ConcurrentLinkedQueue<UUID> succeeded = new ConcurrentLinkedQueue<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger duringOutage = new AtomicInteger();
    AtomicBoolean outage = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients =
        Executors.newFixedThreadPool(CLIENTS_PER_RUNNER * platform.runners().size());
    List<Future<?>> load = new ArrayList<>();
    try {
      for (LocalPlatform.RunnerPod runner : platform.runners()) {
        for (int c = 0; c < CLIENTS_PER_RUNNER; c++) {
          load.add(
              clients.submit(
                  () -> {
                    while (!stop.get()) {
                      RunnerClient.Reply reply = runner.client().post("load-greeter", "load");
                      if (reply.status() / 100 == 2) {
                        succeeded.add(reply.executionId().orElseThrow());
                        if (outage.get()) {
                          duringOutage.incrementAndGet();
                        }
                      } else {
                        refused.incrementAndGet();
                      }
                    }
                    return null;
                  }));
        }
      }
      await().pollDelay(PHASE).atMost(PHASE.plusSeconds(1)).until(() -> true);
      platform.shards().stop(1);
      outage.set(true);
      await().pollDelay(PHASE).atMost(PHASE.plusSeconds(1)).until(() -> true);
      platform.shards().restart(1);
      outage.set(false);
      await().pollDelay(PHASE).atMost(PHASE.plusSeconds(1)).until(() -> true);
    } finally {
      stop.set(true);
      clients.shutdown();
      assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
    for (Future<?> client : load) {
      client.get();
    }

    List<UUID> ids = List.copyOf(succeeded);
    assertThat(ids).as("2xx answers").isNotEmpty();
    assertThat(duringOutage.get()).as("2xx answers while shard 1 was down").isPositive();
    Map<UUID, Integer> counts =
        await("every 2xx answer stored")
            .atMost(DRAIN_TIMEOUT)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> Records.countsById(platform.shards()), c -> c.keySet().containsAll(ids));
    assertThat(ids).allSatisfy(id -> assertThat(counts.get(id)).as("rows of " + id).isEqualTo(1));
    System.out.printf(
        "e2e: %d answers 2xx (%d while shard 1 was down), %d refused; each has one row%n",
        ids.size(), duringOutage.get(), refused.get());
  }
}
