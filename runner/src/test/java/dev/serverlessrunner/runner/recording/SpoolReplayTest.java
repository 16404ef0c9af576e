package dev.serverlessrunner.runner.recording;

import static dev.serverlessrunner.runner.recording.RecordFixtures.assertStoredExactlyOnceOnTheirShards;
import static dev.serverlessrunner.runner.recording.RecordFixtures.record;
import static dev.serverlessrunner.runner.recording.RecordFixtures.rows;
import static dev.serverlessrunner.runner.recording.RecordFixtures.totalRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.runner.recording.spool.RecordSpool;
import dev.serverlessrunner.runner.recording.spool.SpoolConfig;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Records left in the spool by a recorder that could not write them reach their shards later. */
@Timeout(120)
class SpoolReplayTest {

  private static PostgresClusters clusters;

  @TempDir Path spoolDir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<ExecutionRecorder> recorders = new ArrayList<>();

  @BeforeAll
  static void startClusters() {
    clusters = PostgresClusters.start(2);
  }

  @AfterAll
  static void stopClusters() {
    clusters.close();
  }

  @BeforeEach
  void emptyShards() {
    for (int i = 0; i < clusters.size(); i++) {
      if (!clusters.isRunning(i)) {
        clusters.restart(i);
      }
      clusters.psql(i, "DROP TABLE IF EXISTS executions, schema_version");
    }
  }

  @AfterEach
  void closeRecorders() {
    recorders.forEach(r -> r.close(Duration.ofSeconds(5)));
  }

  private RecorderConfig config() {
    return RecorderConfig.builder()
        .shardUris(clusters.uris())
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .flushInterval(Duration.ofMillis(10))
        .spool(SpoolConfig.in(spoolDir))
        .build();
  }

  private ExecutionRecorder start() {
    ExecutionRecorder recorder = ExecutionRecorder.start(config(), registry);
    recorders.add(recorder);
    return recorder;
  }

  /** Spools records straight into the recorder's spool, as a process that died would leave them. */
  private List<ExecutionRecord> leaveInSpool(List<ExecutionRecord> records) throws Exception {
    RecorderConfig config = config();
    try (RecordSpool spool =
        RecordSpool.open(
            config.spool(),
            ExecutionRecorder.spoolKey(config.shards()),
            new SimpleMeterRegistry())) {
      for (ExecutionRecord record : records) {
        spool.append(record).join();
      }
    }
    return records;
  }

  private static List<ExecutionRecord> records(ExecutionRecorder reserveFrom, int count) {
    List<ExecutionRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RecordSlot slot = reserveFrom.tryReserve().orElseThrow();
      records.add(record(slot, i));
      slot.release();
    }
    return records;
  }

  private long segmentFiles() throws IOException {
    try (Stream<Path> files = Files.walk(spoolDir)) {
      return files.filter(p -> p.toString().endsWith(".spool")).count();
    }
  }

  @Test
  void recordsAnsweredWhileTheirShardWasDownAreWrittenByTheNextRecorderOnTheSpool()
      throws Exception {
    clusters.stop(1);
    ExecutionRecorder first = ExecutionRecorder.start(config(), new SimpleMeterRegistry());
    List<UUID> answered = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      RecordSlot slot = first.tryReserve().orElseThrow();
      slot.complete(record(slot, i)).toCompletableFuture().join();
      answered.add(slot.id());
    }
    // The first recorder gives up on shard 1's records, as a crash would.
    assertThat(first.close(Duration.ofSeconds(1))).isPositive();
    clusters.restart(1);

    ExecutionRecorder next = start();
    await().atMost(Duration.ofSeconds(30)).until(() -> next.replayPending() == 0);
    assertStoredExactlyOnceOnTheirShards(clusters, next.router(), answered);
    await().atMost(Duration.ofSeconds(5)).until(() -> segmentFiles() == 0);
    assertThat(registry.get("runner.records.replayed").functionCounter().count()).isEqualTo(300);
  }

  @Test
  void replayingRecordsThatAreAlreadyCommittedWritesEachRowOnce() throws Exception {
    ExecutionRecorder first = start();
    first.ready().toCompletableFuture().join();
    List<ExecutionRecord> committed = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RecordSlot slot = first.tryReserve().orElseThrow();
      ExecutionRecord record = record(slot, i);
      slot.completeDurably(record).toCompletableFuture().join();
      committed.add(record);
    }
    first.close(Duration.ofSeconds(5));
    recorders.remove(first);
    leaveInSpool(committed);

    ExecutionRecorder next = start();
    await().atMost(Duration.ofSeconds(30)).until(() -> next.replayPending() == 0);
    assertStoredExactlyOnceOnTheirShards(
        clusters, next.router(), committed.stream().map(ExecutionRecord::id).toList());
    assertThat(next.findById(committed.get(7).id()).toCompletableFuture().join())
        .contains(committed.get(7));
  }

  @Test
  void aShardDownAtStartHoldsOnlyItsOwnRecordsWhichFollowWhenItReturns() throws Exception {
    ExecutionRecorder reserving = start();
    List<ExecutionRecord> left = leaveInSpool(records(reserving, 400));
    reserving.close(Duration.ofSeconds(5));
    recorders.remove(reserving);
    long forShard1 = left.stream().filter(r -> reserving.router().shardOf(r.id()) == 1).count();
    clusters.stop(1);

    ExecutionRecorder next = start();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions() // until the recorder has created the table
        .until(() -> rows(clusters, 0) == 400 - forShard1);
    assertThat(next.replayPending()).isEqualTo(forShard1);
    assertThat(segmentFiles()).isPositive();

    clusters.restart(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> next.replayPending() == 0);
    assertThat(totalRows(clusters)).isEqualTo(400);
    await().atMost(Duration.ofSeconds(5)).until(() -> segmentFiles() == 0);
  }
}
