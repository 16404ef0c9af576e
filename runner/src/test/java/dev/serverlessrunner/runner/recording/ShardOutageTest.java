package dev.serverlessrunner.runner.recording;

import static dev.serverlessrunner.runner.recording.RecordFixtures.rows;
import static dev.serverlessrunner.runner.recording.RecordFixtures.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shards that go down and come back: nothing lost, nothing duplicated, nothing run unrecorded. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShardOutageTest {

  private static PostgresClusters clusters;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ExecutionRecorder recorder;

  @BeforeAll
  static void startClusters() {
    clusters = PostgresClusters.start(3);
  }

  @AfterAll
  static void stopClusters() {
    clusters.close();
  }

  @BeforeEach
  void emptyShards() {
    for (int i = 0; i < clusters.size(); i++) {
      clusters.psql(i, "DROP TABLE IF EXISTS executions, schema_version");
    }
  }

  @AfterEach
  void closeRecorder() {
    if (recorder != null) {
      recorder.close(Duration.ofSeconds(10));
    }
  }

  private ExecutionRecorder start(UnaryOperator<RecorderConfig.Builder> tuning) {
    RecorderConfig config =
        tuning
            .apply(
                RecorderConfig.builder()
                    .shardUris(clusters.uris())
                    .maxRows(100)
                    .flushInterval(Duration.ofMillis(20))
                    .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(300))
                    .probeInterval(Duration.ofMillis(200))
                    .connectTimeout(Duration.ofSeconds(2)))
            .build();
    recorder = ExecutionRecorder.start(config, registry);
    return recorder;
  }

  @Test
  void shardStoppedMidLoadAndRestartedLosesAndDuplicatesNothing() throws Exception {
    start(b -> b);
    recorder.ready().toCompletableFuture().get(20, TimeUnit.SECONDS);
    List<UUID> submitted = Collections.synchronizedList(new ArrayList<>());
    // A paced load (30 records every 5 ms, ~2 s) so the outage lands in the middle of it.
    CompletableFuture<Void> produced =
        CompletableFuture.runAsync(
            () -> {
              for (int chunk = 0; chunk < 300; chunk++) {
                submitted.addAll(submit(recorder, 30));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
              }
            });

    await().atMost(Duration.ofSeconds(20)).until(() -> rows(clusters, 1) > 0);
    clusters.stop(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> !recorder.shardReachable(1));
    assertThat(recorder.unreachableShards()).containsExactly("shard-1");
    await().atMost(Duration.ofSeconds(20)).until(() -> recorder.backlog(1) > 500);
    clusters.restart(1);
    produced.get(60, TimeUnit.SECONDS);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rows(clusters, 0) + rows(clusters, 1) + rows(clusters, 2) == 9_000);
    RecordFixtures.assertStoredExactlyOnceOnTheirShards(clusters, recorder.router(), submitted);
    assertThat(submitted).hasSize(9_000);
    assertThat(recorder.shardReachable(1)).isTrue();
    assertThat(registry.get("runner.records.retries").tag("shard", "shard-1").counter().count())
        .isPositive();
    assertThat(recorder.close(Duration.ofSeconds(10))).isZero();
  }

  @Test
  void fullBacklogOfADownShardSendsNewExecutionsToTheOthers() {
    start(b -> b.queueCapacity(50));
    recorder.ready().toCompletableFuture().join();
    clusters.stop(2);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.shardReachable(2));

      List<UUID> ids = new ArrayList<>();
      for (int chunk = 0; chunk < 30; chunk++) {
        ids.addAll(submit(recorder, 10));
        // The live shards flush between chunks, so only shard 2's backlog fills up.
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> recorder.backlog(0) == 0 && recorder.backlog(1) == 0);
      }

      assertThat(recorder.backlog(2)).isEqualTo(50);
      assertThat(ids).filteredOn(id -> recorder.router().shardOf(id) == 2).hasSize(50);
    } finally {
      clusters.restart(2);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> recorder.backlog(2) == 0);
    assertThat(rows(clusters, 2)).isEqualTo(50);
  }

  @Test
  void allBacklogsFullRefusesNewExecutions() {
    start(b -> b.queueCapacity(5));
    recorder.ready().toCompletableFuture().join();
    for (int i = 0; i < 3; i++) {
      clusters.stop(i);
    }
    int completed = 0;
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.unreachableShards().size() == 3);
      for (int attempt = 0; attempt < 1_000 && completed < 15; attempt++) {
        var slot = recorder.tryReserve();
        if (slot.isPresent()) {
          slot.get().complete(RecordFixtures.record(slot.get(), attempt));
          completed++;
        }
      }
      assertThat(completed).isEqualTo(15);
      assertThat(recorder.tryReserve()).isEmpty();
    } finally {
      for (int i = 0; i < 3; i++) {
        clusters.restart(i);
      }
    }
    assertThat(recorder.close(Duration.ofSeconds(20))).isZero();
    assertThat(rows(clusters, 0) + rows(clusters, 1) + rows(clusters, 2)).isEqualTo(15);
  }

  @Test
  void readingFromADownShardFailsWithItsName() {
    start(b -> b);
    recorder.ready().toCompletableFuture().join();
    UUID onShard0 = idOnShard(0);
    clusters.stop(0);
    try {
      assertThatThrownBy(
              () -> recorder.findById(onShard0).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(ShardUnavailableException.class)
          .hasMessageContaining("shard-0");
    } finally {
      clusters.restart(0);
    }
  }

  @Test
  void shardDownAtStartGetsItsSchemaAndRecordsOnceItIsUp() {
    clusters.stop(0);
    try {
      start(b -> b);
      List<UUID> ids = submit(recorder, 300);
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreException(IllegalStateException.class) // until the table exists
          .until(() -> rows(clusters, 1) > 0);
      assertThat(recorder.ready()).isNotDone();
      assertThat(recorder.unreachableShards()).containsExactly("shard-0");
      clusters.restart(0);
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.backlog(0) == 0);
      assertThat(recorder.ready()).isDone();
      RecordFixtures.assertStoredExactlyOnceOnTheirShards(clusters, recorder.router(), ids);
    } finally {
      if (!clusters.isRunning(0)) {
        clusters.restart(0);
      }
    }
  }

  @Test
  void batchStuckOnAFrozenShardTimesOutAndIsRetried() {
    start(b -> b.writeTimeout(Duration.ofSeconds(1)));
    recorder.ready().toCompletableFuture().join();
    List<UUID> ids;
    clusters.freeze(0);
    try {
      ids = submit(recorder, 300);
      // Without the write timeout the batch would wait on the silent connection for good.
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  registry.get("runner.records.retries").tag("shard", "shard-0").counter().count()
                      > 0);
      assertThat(recorder.shardReachable(0)).isFalse();
    } finally {
      clusters.thaw(0);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> recorder.backlog(0) == 0);
    RecordFixtures.assertStoredExactlyOnceOnTheirShards(clusters, recorder.router(), ids);
  }

  @Test
  void shardOutageRaisesNoUnhandledErrors() {
    // Vert.x 4.5's pool.query() armed a timer that failed an already failed result once a
    // connection attempt was refused (vertx-sql-client#1706): one ERROR per failed statement.
    List<Throwable> unhandled = Collections.synchronizedList(new ArrayList<>());
    Vertx vertx = Vertx.vertx();
    vertx.exceptionHandler(unhandled::add);
    try {
      RecorderConfig config =
          RecorderConfig.builder()
              .shardUris(clusters.uris())
              .maxRows(10)
              .flushInterval(Duration.ofMillis(20))
              .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
              .probeInterval(Duration.ofMillis(100))
              .connectTimeout(Duration.ofMillis(300))
              .build();
      recorder = ExecutionRecorder.start(config, vertx, registry);
      recorder.ready().toCompletableFuture().join();
      clusters.stop(0);
      List<UUID> ids;
      try {
        ids = submit(recorder, 300);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    registry.get("runner.records.retries").tag("shard", "shard-0").counter().count()
                        >= 10);
        // Past several connect timeouts, when the stray timers of failed acquisitions fired.
        await()
            .during(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(2))
            .until(unhandled::isEmpty);
      } finally {
        clusters.restart(0);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.backlog(0) == 0);
      RecordFixtures.assertStoredExactlyOnceOnTheirShards(clusters, recorder.router(), ids);
      assertThat(unhandled).isEmpty();
    } finally {
      recorder.close(Duration.ofSeconds(10));
      recorder = null;
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private UUID idOnShard(int shard) {
    UUID id;
    do {
      id = ExecutionIds.next();
    } while (recorder.router().shardOf(id) != shard);
    return id;
  }
}
