package dev.serverlessrunner.runner.recording;

import static dev.serverlessrunner.runner.recording.RecordFixtures.record;
import static dev.serverlessrunner.runner.recording.RecordFixtures.rows;
import static dev.serverlessrunner.runner.recording.RecordFixtures.submit;
import static dev.serverlessrunner.runner.recording.RecordFixtures.totalRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutionRecorderTest {

  private static final Duration LONG = Duration.ofHours(1);
  private static PostgresClusters clusters;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<ExecutionRecorder> recorders = new ArrayList<>();

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
  void closeRecorders() {
    recorders.forEach(r -> r.close(Duration.ofSeconds(10)));
  }

  private ExecutionRecorder start(int shards, UnaryOperator<RecorderConfig.Builder> tuning) {
    RecorderConfig config =
        tuning
            .apply(
                RecorderConfig.builder()
                    .shardUris(clusters.uris().subList(0, shards))
                    .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)))
            .build();
    ExecutionRecorder recorder = ExecutionRecorder.start(config, registry);
    recorders.add(recorder);
    recorder.ready().toCompletableFuture().join();
    return recorder;
  }

  @Test
  void recordLandsOnTheShardItsIdNamesWithEveryFieldIntact() throws Exception {
    ExecutionRecorder recorder = start(3, b -> b);
    byte[] stdout = ("héllo " + "x".repeat(3000)).getBytes(StandardCharsets.UTF_8);
    RecordSlot slot = recorder.tryReserve().orElseThrow();
    ExecutionRecord written =
        ExecutionRecord.of(
            slot.id(),
            "greeter",
            "sha256:" + "0f".repeat(32),
            null,
            RecordedOutcome.TRAP,
            stdout,
            12_345,
            678_901,
            "wasm trap: unreachable",
            Instant.now());

    slot.completeDurably(written).toCompletableFuture().get(10, TimeUnit.SECONDS);

    int owner = recorder.router().shardOf(slot.id());
    for (int shard = 0; shard < 3; shard++) {
      assertThat(rows(clusters, shard))
          .as("rows in shard %d", shard)
          .isEqualTo(shard == owner ? 1 : 0);
    }
    Optional<ExecutionRecord> read =
        recorder.findById(slot.id()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(read).contains(written);
    assertThat(read.orElseThrow().stdoutSnippet().getBytes(StandardCharsets.UTF_8))
        .hasSize(Utf8Snippet.MAX_BYTES);
    assertThat(read.orElseThrow().stdoutBytes()).isEqualTo(stdout.length);
  }

  @Test
  void stderrSnippetAndTraceIdsAreStoredAndReadBack() throws Exception {
    ExecutionRecorder recorder = start(3, b -> b);
    byte[] stderr = ("warn: é " + "e".repeat(3000)).getBytes(StandardCharsets.UTF_8);
    RecordSlot slot = recorder.tryReserve().orElseThrow();
    ExecutionRecord written =
        ExecutionRecord.of(
                slot.id(),
                "exit-nonzero",
                "sha256:" + "0f".repeat(32),
                3,
                RecordedOutcome.EXIT,
                new byte[0],
                1_000,
                2_000,
                "Wasm exited with code 3",
                Instant.now())
            .withStderr(stderr, stderr.length)
            .withTrace("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");

    slot.completeDurably(written).toCompletableFuture().get(10, TimeUnit.SECONDS);

    ExecutionRecord read =
        recorder.findById(slot.id()).toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(read).isEqualTo(written);
    assertThat(read.stderrSnippet()).startsWith("warn: é eee");
    assertThat(read.stderrSnippet().getBytes(StandardCharsets.UTF_8))
        .hasSize(ExecutionRecord.STDERR_SNIPPET_BYTES);
    assertThat(read.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(read.spanId()).isEqualTo("00f067aa0ba902b7");
  }

  @Test
  void rowsWrittenBeforeTheStderrAndTraceColumnsReadAsEmptyAndUntraced() throws Exception {
    UUID id = ExecutionIds.next();
    int owner = new ShardRouter(3).shardOf(id);
    // A shard as a runner of schema version 2 left it, holding one row.
    clusters.psql(
        owner,
        """
        CREATE TABLE schema_version (version integer PRIMARY KEY, description text NOT NULL,
                                     applied_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO schema_version (version, description) VALUES (1, 'v1'), (2, 'v2');
        CREATE TABLE executions (id uuid PRIMARY KEY, function text NOT NULL,
          module_digest text NOT NULL, exit_code integer, outcome text NOT NULL,
          stdout_snippet text NOT NULL, stdout_bytes bigint NOT NULL, duration_us bigint NOT NULL,
          fuel_consumed bigint NOT NULL, error text, created_at timestamptz NOT NULL,
          sleep_us bigint NOT NULL DEFAULT 0);
        INSERT INTO executions VALUES ('%s', 'greeter', 'sha256:00', 0, 'ok', 'hi', 2, 10, 20,
                                       NULL, now(), 0);
        """
            .formatted(id));
    ExecutionRecorder recorder = start(3, b -> b);

    ExecutionRecord read =
        recorder.findById(id).toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();

    assertThat(read.stdoutSnippet()).isEqualTo("hi");
    assertThat(read.stderrSnippet()).isEmpty();
    assertThat(read.traceId()).isNull();
    assertThat(read.spanId()).isNull();
  }

  @Test
  void findByIdOfAnUnknownIdIsEmpty() throws Exception {
    ExecutionRecorder recorder = start(3, b -> b);
    assertThat(
            recorder.findById(ExecutionIds.next()).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEmpty();
  }

  @Test
  void batchOfNRecordsWritesExactlyNRowsEachOnItsShard() {
    ExecutionRecorder recorder = start(3, b -> b.maxRows(200));
    List<UUID> ids = submit(recorder, 5_000);

    await().atMost(Duration.ofSeconds(30)).until(() -> totalRows(clusters) == ids.size());

    RecordFixtures.assertStoredExactlyOnceOnTheirShards(clusters, recorder.router(), ids);
    for (int shard = 0; shard < 3; shard++) {
      assertThat(rows(clusters, shard)).as("spread to shard %d", shard).isGreaterThan(1_000);
    }
    double written =
        registry.get("runner.records.written").counters().stream()
            .mapToDouble(c -> c.count())
            .sum();
    assertThat(written).isEqualTo(ids.size());
  }

  @Test
  void flushesAFullBatchWithoutWaitingForTheInterval() {
    ExecutionRecorder recorder = start(1, b -> b.maxRows(50).flushInterval(LONG));
    submit(recorder, 120);

    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(10))
        .until(() -> rows(clusters, 0) == 100);
    assertThat(recorder.close(Duration.ofSeconds(10))).isZero();
    assertThat(rows(clusters, 0)).isEqualTo(120);
  }

  @Test
  void flushesAPartialBatchWhenTheIntervalPasses() {
    ExecutionRecorder recorder =
        start(1, b -> b.maxRows(10_000).flushInterval(Duration.ofMillis(100)));
    submit(recorder, 7);

    await().atMost(Duration.ofSeconds(10)).until(() -> rows(clusters, 0) == 7);
  }

  @Test
  void durableCompletionFiresOnlyOnceTheRowIsVisible() throws Exception {
    ExecutionRecorder recorder = start(1, b -> b.flushInterval(LONG));
    RecordSlot slot = recorder.tryReserve().orElseThrow();
    CompletableFuture<Void> committed = slot.completeDurably(record(slot, 1)).toCompletableFuture();

    // Nothing triggers a flush (interval 1 h, batch of 1 < maxRows): the stage must stay open.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !committed.isDone() && rows(clusters, 0) == 0);

    CompletableFuture<Long> close =
        CompletableFuture.supplyAsync(() -> recorder.close(Duration.ofSeconds(10)));
    CompletableFuture<Long> rowsAtCompletion =
        committed.thenApplyAsync(ignored -> rows(clusters, 0));
    assertThat(rowsAtCompletion.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(close.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void fullBacklogRefusesReservationsUntilCapacityReturns() {
    ExecutionRecorder recorder = start(1, b -> b.queueCapacity(3).flushInterval(LONG));
    List<RecordSlot> slots = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      slots.add(recorder.tryReserve().orElseThrow());
    }

    assertThat(recorder.tryReserve()).isEmpty();
    assertThat(
            registry.get("runner.records.rejected").tag("reason", "backlog-full").counter().count())
        .isEqualTo(1);

    slots.removeFirst().release();
    slots.add(recorder.tryReserve().orElseThrow());
    slots.forEach(RecordSlot::release);
  }

  @Test
  void committedRecordsGiveTheirCapacityBack() {
    ExecutionRecorder recorder =
        start(1, b -> b.queueCapacity(10).maxRows(10).flushInterval(Duration.ofMillis(20)));
    for (int round = 0; round < 5; round++) {
      submit(recorder, 10);
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.backlog(0) == 0);
    }
    assertThat(rows(clusters, 0)).isEqualTo(50);
  }

  @Test
  void closeDrainsEveryBacklog() {
    ExecutionRecorder recorder = start(3, b -> b.flushInterval(LONG).maxRows(10_000));
    List<UUID> ids = submit(recorder, 3_000);
    assertThat(totalRows(clusters)).isZero();

    assertThat(recorder.close(Duration.ofSeconds(20))).isZero();

    RecordFixtures.assertStoredExactlyOnceOnTheirShards(clusters, recorder.router(), ids);
    assertThat(registry.get("runner.records.dropped").counters())
        .allSatisfy(c -> assertThat(c.count()).isZero());
  }

  @Test
  void closeWaitsForReservedSlotsAndThenRefusesNewOnes() throws Exception {
    ExecutionRecorder recorder = start(2, b -> b.flushInterval(LONG));
    RecordSlot inFlight = recorder.tryReserve().orElseThrow();
    CompletableFuture<Long> close =
        CompletableFuture.supplyAsync(() -> recorder.close(Duration.ofSeconds(20)));

    await().atMost(Duration.ofSeconds(5)).until(() -> recorder.tryReserve().isEmpty());
    assertThat(close).isNotDone();

    inFlight.complete(record(inFlight, 7));
    assertThat(close.get(20, TimeUnit.SECONDS)).isZero();
    assertThat(rows(clusters, 0) + rows(clusters, 1)).isEqualTo(1);
  }

  @Test
  void closeReportsRecordsItCouldNotWrite() {
    ExecutionRecorder recorder = start(1, b -> b.flushInterval(LONG));
    recorder.tryReserve().orElseThrow(); // never settled

    assertThat(recorder.close(Duration.ofMillis(300))).isEqualTo(1);
    assertThat(registry.get("runner.records.dropped").counter().count()).isEqualTo(1);
  }

  @Test
  void snippetWithMalformedUtf8AndNulIsStored() throws Exception {
    ExecutionRecorder recorder = start(1, b -> b);
    RecordSlot slot = recorder.tryReserve().orElseThrow();
    byte[] stdout = {'a', 0, (byte) 0xFF, (byte) 0xE2, (byte) 0x82, 'z'};
    ExecutionRecord written =
        ExecutionRecord.of(
            slot.id(), "f", "sha256:00", 0, RecordedOutcome.OK, stdout, 1, 1, null, Instant.now());

    slot.completeDurably(written).toCompletableFuture().get(10, TimeUnit.SECONDS);

    ExecutionRecord read =
        recorder.findById(slot.id()).toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(read.stdoutSnippet()).isEqualTo("a\uFFFD\uFFFD\uFFFDz");
  }

  @Test
  void replayingABatchWritesNoDuplicates() throws Exception {
    ExecutionRecorder recorder = start(1, b -> b);
    List<ExecutionRecord> batch = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      try (RecordSlot slot = recorder.tryReserve().orElseThrow()) {
        batch.add(record(slot, i)); // written below, around the recorder
      }
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(clusters.uri(0)).using(vertx).build();
    try {
      for (int replay = 0; replay < 2; replay++) {
        pool.preparedQuery(ExecutionsTable.INSERT_BATCH)
            .execute(ExecutionsTable.batchParameters(batch))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close();
    }
    assertThat(rows(clusters, 0)).isEqualTo(10);
  }

  @Test
  void schemaMigrationRunsOnceAcrossRestarts() {
    start(2, b -> b).close(Duration.ofSeconds(5));
    start(2, b -> b);

    for (int shard = 0; shard < 2; shard++) {
      assertThat(clusters.psql(shard, "SELECT string_agg(version::text, ',') FROM schema_version"))
          .isEqualTo(
              java.util.stream.IntStream.rangeClosed(1, ShardSchema.latestVersion())
                  .mapToObj(Integer::toString)
                  .collect(java.util.stream.Collectors.joining(",")));
    }
  }

  @Test
  void reportsEveryShardReachableOnceReady() {
    ExecutionRecorder recorder = start(3, b -> b);
    assertThat(recorder.unreachableShards()).isEmpty();
    assertThat(recorder.shardName(2)).isEqualTo("shard-2");
    assertThat(registry.get("runner.records.shard.up").gauges())
        .allSatisfy(g -> assertThat(g.value()).isEqualTo(1.0));
  }
}
