package dev.serverlessrunner.runner.recording;

import dev.serverlessrunner.runner.recording.spool.RecordSpool;
import dev.serverlessrunner.runner.recording.spool.ReplaySegment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Writes one record per execution into sharded PostgreSQL, in batches, without losing any.
 *
 * <p>Use: before executing, {@link #tryReserve()} a slot (empty means answer 503 and do not run);
 * after executing, settle the slot with the record (see {@link RecordSlot}). Records are batched
 * per shard by a background flusher; failed batches are retried until they commit. {@link
 * #close(Duration)} drains everything before the process exits.
 *
 * <p>With a spool ({@link RecorderConfig#spool()}), a completed record is also written to a local
 * file before {@link RecordSlot#complete} returns, and what an earlier process left there is
 * written again at start, each record to the shard its id names.
 */
public final class ExecutionRecorder implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ExecutionRecorder.class);
  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Draws per reservation before giving up. A fresh id lands on a random shard, so with one shard
   * full (down) the next draw most likely lands on one with room: executions keep being admitted
   * while any shard can take them, and each record still lives where {@link ShardRouter} says. With
   * N shards of which only one has room, all 32·N draws miss it with probability (1 − 1/N)^(32·N) <
   * e^−32: a refusal means every shard is full, not bad luck. A draw costs about 50 ns, and only
   * full shards make more than one.
   */
  private static final int DRAWS_PER_SHARD = 32;

  private final RecorderConfig config;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final ShardRouter router;
  private final List<ShardWriter> shards;
  private final Counter rejectedFull;
  private final Counter rejectedClosed;
  private final Counter rejectedSpool;
  private final RecordSpool spool;
  private volatile boolean closed;

  private ExecutionRecorder(
      RecorderConfig config, Vertx vertx, boolean ownsVertx, MeterRegistry registry) {
    this.config = config;
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.router = new ShardRouter(config.shards().size());
    List<ShardWriter> writers = new ArrayList<>();
    for (ShardConfig shard : config.shards()) {
      writers.add(new ShardWriter(shard, config, vertx, registry));
    }
    this.shards = List.copyOf(writers);
    this.rejectedFull = rejectedCounter(registry, "backlog-full");
    this.rejectedClosed = rejectedCounter(registry, "closed");
    this.rejectedSpool = rejectedCounter(registry, "spool");
    this.spool =
        config.spool() == null
            ? null
            : RecordSpool.open(
                config.spool(),
                config.spoolKey() != null ? config.spoolKey() : spoolKey(config.shards()),
                registry);
  }

  /**
   * Names a set of shards by their hosts, ports and databases (never their passwords), in order: a
   * spool written for one set is never replayed into another.
   */
  static String spoolKey(List<ShardConfig> shards) {
    StringBuilder identity = new StringBuilder();
    for (ShardConfig shard : shards) {
      PgConnectOptions options = ShardUris.connectOptions(shard);
      identity
          .append(shard.name())
          .append('=')
          .append(options.getHost())
          .append(':')
          .append(options.getPort())
          .append('/')
          .append(options.getDatabase())
          .append('\n');
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
      return "shards-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static Counter rejectedCounter(MeterRegistry registry, String reason) {
    return Counter.builder(ShardMetrics.PREFIX + "rejected")
        .tag("reason", reason)
        .description("Reservations refused, so the execution was refused before it ran")
        .register(registry);
  }

  /**
   * Starts a recorder on a Vert.x instance the caller owns. Shards that are down at start are
   * retried in the background; {@link #ready()} tells when all have their schema.
   */
  public static ExecutionRecorder start(
      RecorderConfig config, Vertx vertx, MeterRegistry registry) {
    return start(config, vertx, false, registry);
  }

  /** Starts a recorder on a Vert.x instance of its own, closed by {@link #close(Duration)}. */
  public static ExecutionRecorder start(RecorderConfig config, MeterRegistry registry) {
    return start(config, Vertx.vertx(), true, registry);
  }

  private static ExecutionRecorder start(
      RecorderConfig config, Vertx vertx, boolean ownsVertx, MeterRegistry registry) {
    ExecutionRecorder recorder = new ExecutionRecorder(config, vertx, ownsVertx, registry);
    recorder.shards.forEach(ShardWriter::start);
    recorder.replaySpool();
    return recorder;
  }

  /**
   * Hands every record an earlier process left in the spool to the shard its id names; they are
   * written with the same batching and retries as new ones (ON CONFLICT makes a record that did
   * commit before the crash harmless), and each file goes once all its rows are committed.
   */
  private void replaySpool() {
    if (spool == null) {
      return;
    }
    long records = 0;
    for (ReplaySegment segment : spool.replay()) {
      List<List<ShardWriter.Pending>> byShard = new ArrayList<>();
      shards.forEach(s -> byShard.add(new ArrayList<>()));
      for (ExecutionRecord record : segment.records()) {
        byShard
            .get(router.shardOf(record.id()))
            .add(new ShardWriter.Pending(record, null, segment.segment()));
      }
      for (int i = 0; i < shards.size(); i++) {
        if (!byShard.get(i).isEmpty()) {
          shards.get(i).enqueueReplayed(byShard.get(i));
        }
      }
      records += segment.records().size();
      spool.countReplayed(segment.records().size());
    }
    if (records > 0) {
      LOG.infof(
          "Replaying %d execution records from %d spool segments left by an earlier process",
          records, spool.replay().size());
    }
  }

  /** Records read back from the spool at start whose rows are not committed yet. */
  public long replayPending() {
    if (spool == null) {
      return 0;
    }
    return spool.replay().stream().mapToLong(s -> s.segment().outstanding()).sum();
  }

  /**
   * Why new invocations must be refused because of the spool (full, or its last write failed), or
   * empty.
   */
  public Optional<String> spoolRefusal() {
    return spool == null ? Optional.empty() : spool.refusal();
  }

  /** Completes when every shard's schema is in place (it may never, while a shard is down). */
  public CompletionStage<Void> ready() {
    return CompletableFuture.allOf(
        shards.stream().map(ShardWriter::ready).toArray(CompletableFuture[]::new));
  }

  /**
   * Allocates an execution id and a place for its record, or nothing when the recorder is closing
   * or no shard drawn has room: then refuse the request (503) without executing it.
   */
  public Optional<RecordSlot> tryReserve() {
    if (closed) {
      rejectedClosed.increment();
      return Optional.empty();
    }
    if (spool != null && spool.refusal().isPresent()) {
      rejectedSpool.increment();
      return Optional.empty();
    }
    int draws = DRAWS_PER_SHARD * shards.size();
    for (int i = 0; i < draws; i++) {
      UUID id = ExecutionIds.next();
      ShardWriter shard = shards.get(router.shardOf(id));
      if (shard.tryReserve()) {
        return Optional.of(new RecordSlot(id, shard, spool));
      }
    }
    rejectedFull.increment();
    return Optional.empty();
  }

  /**
   * Reads a record from the shard that owns {@code id}. Empty when there is no such row — also for
   * a record still waiting in the backlog (use durable completion for read-your-writes). Fails with
   * {@link ShardUnavailableException} when the shard cannot answer.
   */
  public CompletionStage<Optional<ExecutionRecord>> findById(UUID id) {
    if (closed) {
      return CompletableFuture.failedFuture(new RecorderClosedException());
    }
    return shards.get(router.shardOf(id)).findById(id).toCompletionStage();
  }

  /** The routing function records are stored by. */
  public ShardRouter router() {
    return router;
  }

  /** How many shards are configured. */
  public int shardCount() {
    return shards.size();
  }

  /** The configured name of shard {@code index}. */
  public String shardName(int index) {
    return shards.get(index).name();
  }

  /** Whether shard {@code index} answered its last write, probe or migration. */
  public boolean shardReachable(int index) {
    return shards.get(index).reachable();
  }

  /** Names of the shards that are not reachable now, for readiness; empty when all are. */
  public List<String> unreachableShards() {
    return shards.stream().filter(s -> !s.reachable()).map(ShardWriter::name).toList();
  }

  /**
   * Whether some shard can take a record now (its backlog has room, reachable or not), so a new
   * execution would be admitted; false once closing. Readiness rests on this, not on every shard
   * answering: all runners share the shards, and one down shard must not empty the Service.
   */
  public boolean canRecord() {
    return !closed && shards.stream().anyMatch(ShardWriter::hasRoom);
  }

  /** Records of shard {@code index} reserved or queued but not yet committed. */
  public int backlog(int index) {
    return shards.get(index).backlog();
  }

  /** The configuration in force. */
  public RecorderConfig config() {
    return config;
  }

  /** {@link #close(Duration)} with 30 seconds. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops admitting, waits for reserved slots to settle, drains every backlog (still retrying) and
   * closes the connections. Blocks the caller up to {@code timeout}.
   *
   * @return how many records were not confirmed written when the timeout passed (0 normally); they
   *     are logged at ERROR and counted in {@code runner.records.dropped}
   */
  public long close(Duration timeout) {
    if (closed) {
      return 0;
    }
    closed = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    CompletableFuture<?>[] drains =
        shards.stream().map(ShardWriter::drain).toArray(CompletableFuture[]::new);
    long unwritten = 0;
    if (!await(CompletableFuture.allOf(drains), deadline)) {
      for (ShardWriter shard : shards) {
        int lost = await(shard.abandonRemaining());
        if (lost > 0) {
          LOG.errorf(
              "Shutdown timed out after %s: %d execution records for shard '%s' were NOT written"
                  + " (runner.records.dropped)%s",
              timeout,
              lost,
              shard.name(),
              spool == null
                  ? ""
                  : "; those that were answered stay in the spool and are written by the next"
                      + " runner started on it");
        }
        unwritten += lost;
      }
    }
    if (spool != null) {
      spool.close();
    }
    List<Future<Void>> closing = shards.stream().map(ShardWriter::closePool).toList();
    await(Future.join(closing).toCompletionStage().toCompletableFuture(), deadline);
    if (ownsVertx) {
      await(vertx.close().toCompletionStage().toCompletableFuture(), deadline);
    }
    LOG.infof("Execution recorder closed; %d records not written", unwritten);
    return unwritten;
  }

  /** Waits until {@code deadline} (never less than a short grace); false on timeout. */
  private static boolean await(CompletableFuture<?> future, long deadline) {
    long remaining = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100));
    try {
      future.get(remaining, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      LOG.warn("Execution recorder shutdown step failed", e.getCause());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int await(CompletableFuture<Integer> future) {
    try {
      return future.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while abandoning records", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not count abandoned records", e);
    }
  }
}
