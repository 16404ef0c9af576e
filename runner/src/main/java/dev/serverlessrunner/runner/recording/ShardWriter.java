package dev.serverlessrunner.runner.recording;

import dev.serverlessrunner.runner.recording.spool.Segment;
import dev.serverlessrunner.runner.work.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The backlog and flusher of one shard.
 *
 * <p>Threading: {@link #tryReserve}, {@link #enqueue} and {@link #release} run on request threads
 * and touch only atomics and a lock-free queue. Everything else — batching, writing, retrying,
 * probing — runs on this shard's Vert.x context, so the fields marked "context only" need no
 * synchronisation. The request path wakes the context only when a full batch is waiting (or while
 * draining); otherwise a periodic tick every {@code flushInterval} picks up what is queued.
 *
 * <p>Accounting: {@code backlog} counts records from reservation until their row is committed (or
 * the slot is released); it is what {@code queueCapacity} bounds, so memory stays bounded even
 * while the shard is down.
 */
final class ShardWriter {

  private static final Logger LOG = Logger.getLogger(ShardWriter.class);
  private static final String PROBE = "SELECT 1";

  /**
   * A record waiting to be written, with the future of a durable submission (or null) and the spool
   * segment holding it (or null when not spooled).
   */
  record Pending(ExecutionRecord record, CompletableFuture<Void> committed, Segment spooled) {}

  /** A batch being written or waiting for its retry; keeps its parameters across retries. */
  private static final class Batch {
    final List<Pending> items;
    final Tuple parameters;

    /** The invocation spans of the records carried, for the batch span's links; may be empty. */
    final List<SpanContext> invocations;

    int attempt;
    long retryTimer = -1;

    /** Which write attempt a result belongs to: results of timed-out attempts are ignored. */
    int generation;

    Batch(List<Pending> items, boolean traced) {
      this.items = items;
      this.parameters =
          ExecutionsTable.batchParameters(items.stream().map(Pending::record).toList());
      this.invocations = traced ? BatchSpans.invocations(items) : List.of();
    }
  }

  private final ShardConfig shard;
  private final RecorderConfig config;
  private final Vertx vertx;
  private final Context context;

  /** Replaced (context only) when a write times out; read by {@link #findById} on any thread. */
  private volatile Pool pool;

  private final Backoff backoff;
  private final ShardMetrics metrics;

  private final AtomicInteger backlog = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupScheduled = new AtomicBoolean();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean reachable;
  private volatile boolean draining;

  // Context only.
  private boolean schemaReady;
  private boolean stopped;
  private boolean flushDue;
  private boolean probing;
  private int probeGeneration;
  private int inFlight;
  private int migrationAttempt;
  private long lastSuccessNanos;
  private long downSinceNanos;
  private long tickTimer = -1;
  private long probeTimer = -1;
  private final Set<Batch> waitingForRetry = new HashSet<>();

  ShardWriter(ShardConfig shard, RecorderConfig config, Vertx vertx, MeterRegistry registry) {
    this.shard = shard;
    this.config = config;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.pool = createPool(shard, config, vertx);
    this.backoff =
        new Backoff(config.retryBackoffMin(), config.retryBackoffMax(), new SplittableRandom());
    this.metrics =
        new ShardMetrics(
            registry,
            shard.name(),
            backlog::get,
            config.queueCapacity(),
            queued::get,
            () -> reachable ? 1 : 0);
  }

  private static Pool createPool(ShardConfig shard, RecorderConfig config, Vertx vertx) {
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
    PgConnectOptions connect =
        ShardUris.connectOptions(shard)
            // Off (the Vert.x default) halved single-row throughput when measured.
            .setCachePreparedStatements(true)
            // One statement per connection, so maxInFlight batches keep that many backends busy
            // instead of queueing behind each other on one pipelined connection.
            .setPipeliningLimit(1)
            .setConnectTimeout(timeoutMillis);
    PoolOptions poolOptions =
        new PoolOptions()
            .setName("records-" + shard.name())
            // One connection per in-flight batch plus one for reads and probes.
            .setMaxSize(config.maxInFlight() + 1)
            // Bounds the wait for a connection. Statements go through withConnection: Vert.x 4.5's
            // pool.query() arms a second timer for this bound that it never cancels when the
            // acquisition fails, and firing it completes the result twice — an ERROR "Result is
            // already complete" per failed statement during every shard outage
            // (vertx-sql-client#1706). getConnection() cancels its timer on every outcome.
            .setConnectionTimeout(timeoutMillis)
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
    return PgBuilder.pool().with(poolOptions).connectingTo(connect).using(vertx).build();
  }

  String name() {
    return shard.name();
  }

  boolean reachable() {
    return reachable;
  }

  int backlog() {
    return backlog.get();
  }

  /** Whether a reservation could succeed now: not draining and the backlog has room. */
  boolean hasRoom() {
    return !draining && backlog.get() < config.queueCapacity();
  }

  CompletableFuture<Void> ready() {
    return ready;
  }

  /** Migrates the schema, then starts the flush tick and the probe. */
  void start() {
    context.runOnContext(
        v -> {
          lastSuccessNanos = System.nanoTime();
          tickTimer = vertx.setPeriodic(config.flushInterval().toMillis(), id -> onTick());
          probeTimer = vertx.setPeriodic(config.probeInterval().toMillis(), id -> probe());
          migrate();
        });
  }

  // ---- request path (any thread) ----

  /** Takes one unit of backlog capacity, or refuses when full or draining. */
  boolean tryReserve() {
    while (true) {
      int current = backlog.get();
      if (current >= config.queueCapacity()) {
        return false;
      }
      if (backlog.compareAndSet(current, current + 1)) {
        break;
      }
    }
    // Re-checked after taking the slot: close() sets draining, then reads the backlog.
    if (draining) {
      backlogDone(1);
      return false;
    }
    return true;
  }

  /** Gives back a reserved slot that will carry no record. */
  void release() {
    backlogDone(1);
  }

  /** Queues the record of a reserved slot. */
  void enqueue(Pending pending) {
    queue.offer(pending);
    int depth = queued.incrementAndGet();
    if (depth >= config.maxRows() || draining) {
      wakeup();
    }
  }

  /**
   * Queues records read back from the spool at start. They take backlog capacity without a
   * reservation (they were admitted by the process that died), so new reservations for this shard
   * wait until they are written.
   */
  void enqueueReplayed(List<Pending> replayed) {
    backlog.addAndGet(replayed.size());
    queue.addAll(replayed);
    if (queued.addAndGet(replayed.size()) >= config.maxRows()) {
      wakeup();
    }
  }

  private void wakeup() {
    if (wakeupScheduled.compareAndSet(false, true)) {
      context.runOnContext(
          v -> {
            wakeupScheduled.set(false);
            flush();
          });
    }
  }

  private void backlogDone(int count) {
    if (backlog.addAndGet(-count) == 0 && draining) {
      drained.complete(null);
    }
  }

  // ---- reads (any thread) ----

  Future<Optional<ExecutionRecord>> findById(UUID id) {
    return pool.withConnection(
            c -> c.preparedQuery(ExecutionsTable.SELECT_BY_ID).execute(Tuple.of(id)))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.<ExecutionRecord>empty()
                    : Optional.of(ExecutionsTable.fromRow(rows.iterator().next())))
        .recover(failure -> Future.failedFuture(new ShardUnavailableException(name(), failure)));
  }

  // ---- flusher (context only) ----

  private void onTick() {
    flushDue = true;
    flush();
  }

  private void flush() {
    if (!schemaReady || stopped) {
      return;
    }
    boolean force = flushDue || draining;
    while (inFlight < config.maxInFlight()) {
      int depth = queued.get();
      if (depth <= 0) {
        flushDue = false;
        return;
      }
      if (depth < config.maxRows() && !force) {
        return;
      }
      List<Pending> items = takeBatch();
      if (items.isEmpty()) {
        // The counter lags the queue for an instant (a producer between offer and increment),
        // and may then read below zero once its element was already taken.
        return;
      }
      inFlight++;
      write(new Batch(items, config.tracer() != null));
    }
  }

  private List<Pending> takeBatch() {
    List<Pending> items = new ArrayList<>(Math.clamp(queued.get(), 0, config.maxRows()));
    Pending next;
    while (items.size() < config.maxRows() && (next = queue.poll()) != null) {
      items.add(next);
    }
    queued.addAndGet(-items.size());
    return items;
  }

  private void write(Batch batch) {
    long start = System.nanoTime();
    int generation = ++batch.generation;
    Span span =
        BatchSpans.start(
            config.tracer(), name(), batch.invocations, batch.items.size(), batch.attempt);
    long deadline =
        vertx.setTimer(
            config.writeTimeout().toMillis(),
            id -> {
              if (batch.generation == generation) {
                batch.generation++;
                resetConnections("a batch insert");
                TimeoutException timeout =
                    new TimeoutException("no answer within " + config.writeTimeout());
                BatchSpans.end(span, timeout);
                failed(batch, timeout);
              }
            });
    pool.withConnection(
            c -> c.preparedQuery(ExecutionsTable.INSERT_BATCH).execute(batch.parameters))
        .onComplete(
            result ->
                onContext(
                    () -> {
                      if (batch.generation == generation) {
                        vertx.cancelTimer(deadline);
                        BatchSpans.end(span, result.cause());
                        written(batch, result, start);
                      }
                    }));
  }

  /**
   * Closes every connection of the shard and starts a fresh pool: a connection that stopped
   * answering cannot be cancelled otherwise. Writes still in flight on the old pool fail and are
   * retried; ON CONFLICT makes a retry of one that did commit harmless.
   */
  private void resetConnections(String what) {
    LOG.warnf(
        "Execution record shard '%s' did not answer %s within %s; resetting its connections",
        name(), what, config.writeTimeout());
    Pool stale = pool;
    pool = createPool(shard, config, vertx);
    stale.close();
  }

  private void written(
      Batch batch, AsyncResult<RowSet<io.vertx.sqlclient.Row>> result, long start) {
    if (result.succeeded()) {
      long now = System.nanoTime();
      metrics.flushLatency.record(now - start, TimeUnit.NANOSECONDS);
      metrics.batchSize.record(batch.items.size());
      metrics.written.increment(batch.items.size());
      markUp(now);
      inFlight--;
      for (Pending pending : batch.items) {
        if (pending.committed() != null) {
          pending.committed().complete(null);
        }
      }
      releaseSpooled(batch.items);
      backlogDone(batch.items.size());
      flush();
      return;
    }
    failed(batch, result.cause());
  }

  /** Tells each spool segment how many of its records just committed (runs of one segment). */
  private static void releaseSpooled(List<Pending> items) {
    Segment run = null;
    int count = 0;
    for (Pending pending : items) {
      if (pending.spooled() != run) {
        if (run != null) {
          run.committed(count);
        }
        run = pending.spooled();
        count = 0;
      }
      count++;
    }
    if (run != null) {
      run.committed(count);
    }
  }

  private void failed(Batch batch, Throwable cause) {
    if (stopped) {
      inFlight--;
      abandon(batch);
      return;
    }
    // Any failure is retried: a constraint error cannot happen (ON CONFLICT DO NOTHING, text
    // sanitised, nulls only where allowed), so what is left is the shard or the network. Should
    // the server still refuse the rows, say so at every attempt: that needs an operator.
    batch.attempt++;
    metrics.retries.increment();
    if (cause instanceof PgException refused) {
      LOG.errorf(
          "Execution record shard '%s' refused a batch of %d records (SQLSTATE %s, attempt %d):"
              + " %s; the records are kept and retried",
          name(), batch.items.size(), refused.getSqlState(), batch.attempt, refused.getMessage());
    }
    markDown(cause, batch.items.size());
    long delay = backoff.delayMillis(batch.attempt);
    waitingForRetry.add(batch);
    batch.retryTimer = vertx.setTimer(delay, id -> retry(batch));
  }

  private void retry(Batch batch) {
    if (waitingForRetry.remove(batch)) {
      batch.retryTimer = -1;
      write(batch);
    }
  }

  private void markUp(long now) {
    lastSuccessNanos = now;
    if (!reachable) {
      if (downSinceNanos != 0) {
        LOG.infof(
            "Execution record shard '%s' is reachable again after %d ms",
            name(), TimeUnit.NANOSECONDS.toMillis(now - downSinceNanos));
      }
      downSinceNanos = 0;
      reachable = true;
    }
  }

  private void markDown(Throwable cause, int records) {
    if (reachable || downSinceNanos == 0) {
      downSinceNanos = System.nanoTime();
      LOG.warnf(
          "Execution record shard '%s' is unreachable (%d records in a failed batch); its records"
              + " wait in its backlog and are retried with backoff: %s",
          name(), records, cause.toString());
    } else {
      LOG.debugf("Execution record shard '%s' still failing: %s", name(), cause);
    }
    reachable = false;
  }

  private void probe() {
    if (probing || stopped) {
      return;
    }
    boolean recentlyWritten =
        reachable && System.nanoTime() - lastSuccessNanos < config.probeInterval().toNanos();
    if (recentlyWritten) {
      return;
    }
    probing = true;
    int generation = ++probeGeneration;
    long deadline =
        vertx.setTimer(
            config.writeTimeout().toMillis(),
            id -> {
              if (probeGeneration == generation) {
                probeGeneration++;
                probing = false;
                resetConnections("a probe");
                markDown(new TimeoutException("probe unanswered"), 0);
              }
            });
    pool.withConnection(c -> c.query(PROBE).execute())
        .onComplete(
            result ->
                onContext(
                    () -> {
                      if (probeGeneration != generation) {
                        return;
                      }
                      vertx.cancelTimer(deadline);
                      probing = false;
                      if (result.succeeded()) {
                        markUp(System.nanoTime());
                        retryNow();
                      } else {
                        markDown(result.cause(), 0);
                      }
                    }));
  }

  /** A probe saw the shard answer: retry waiting batches now instead of after their backoff. */
  private void retryNow() {
    if (!schemaReady) {
      return;
    }
    for (Batch batch : List.copyOf(waitingForRetry)) {
      vertx.cancelTimer(batch.retryTimer);
      retry(batch);
    }
  }

  private void migrate() {
    ShardSchema.migrate(pool)
        .onComplete(
            result ->
                onContext(
                    () -> {
                      if (stopped) {
                        return;
                      }
                      if (result.succeeded()) {
                        schemaReady = true;
                        markUp(System.nanoTime());
                        LOG.infof(
                            "Execution record shard '%s' ready at schema version %d",
                            name(), result.result());
                        ready.complete(null);
                        flush();
                      } else {
                        migrationAttempt++;
                        markDown(result.cause(), 0);
                        vertx.setTimer(backoff.delayMillis(migrationAttempt), id -> migrate());
                      }
                    }));
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  // ---- shutdown ----

  /** Stops taking reservations and flushes everything at once; completes when nothing is left. */
  CompletableFuture<Void> drain() {
    draining = true;
    if (backlog.get() == 0) {
      drained.complete(null);
    }
    wakeup();
    return drained;
  }

  /**
   * Gives up on what is still unwritten after a timed-out drain: fails durable futures, stops
   * timers. Returns how many records were never written.
   */
  CompletableFuture<Integer> abandonRemaining() {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          stopped = true;
          vertx.cancelTimer(tickTimer);
          vertx.cancelTimer(probeTimer);
          int lost = backlog.get();
          for (Batch batch : List.copyOf(waitingForRetry)) {
            vertx.cancelTimer(batch.retryTimer);
            waitingForRetry.remove(batch);
            abandon(batch);
          }
          abandon(takeAll());
          if (lost > 0) {
            metrics.dropped.increment(lost);
          }
          result.complete(lost);
        });
    return result;
  }

  private List<Pending> takeAll() {
    List<Pending> all = new ArrayList<>();
    Pending next;
    while ((next = queue.poll()) != null) {
      all.add(next);
    }
    queued.addAndGet(-all.size());
    return all;
  }

  private void abandon(Batch batch) {
    abandon(batch.items);
  }

  private void abandon(List<Pending> items) {
    for (Pending pending : items) {
      if (pending.committed() != null) {
        pending
            .committed()
            .completeExceptionally(new RecordNotWrittenException(pending.record().id(), name()));
      }
    }
  }

  /** Stops the timers (if a drain finished normally) and closes the pool. */
  Future<Void> closePool() {
    context.runOnContext(
        v -> {
          stopped = true;
          vertx.cancelTimer(tickTimer);
          vertx.cancelTimer(probeTimer);
        });
    return pool.close();
  }
}
