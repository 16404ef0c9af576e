package dev.serverlessrunner.runner.recording;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
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
    return recorder;
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
    int draws = DRAWS_PER_SHARD * shards.size();
    for (int i = 0; i < draws; i++) {
      UUID id = ExecutionIds.next();
      ShardWriter shard = shards.get(router.shardOf(id));
      if (shard.tryReserve()) {
        return Optional.of(new RecordSlot(id, shard));
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
                  + " (runner.records.dropped)",
              timeout, lost, shard.name());
        }
        unwritten += lost;
      }
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
