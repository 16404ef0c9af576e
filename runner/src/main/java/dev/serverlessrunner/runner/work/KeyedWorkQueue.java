package dev.serverlessrunner.runner.work;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keys handled one at a time on one background thread, as in a Kubernetes controller's work queue:
 * a key waits in the queue at most once however often it is added, and a key whose handler asks for
 * a retry comes back after a {@link Backoff} delay that grows with its failures in a row. Handlers
 * run on the queue's thread only, so the state they keep needs no locking.
 *
 * @param <K> the key, e.g. a resource name
 */
public final class KeyedWorkQueue<K> {

  private static final Logger LOG = Logger.getLogger(KeyedWorkQueue.class);

  /** Handles one key on the queue's thread. */
  @FunctionalInterface
  public interface Handler<K> {
    /**
     * Brings {@code key} in line with the world: empty when done, or why it must be tried again
     * later. An exception is logged and retried too.
     */
    Optional<String> handle(K key);
  }

  private final String name;
  private final Handler<K> handler;
  private final Backoff backoff;
  private final ScheduledThreadPoolExecutor worker;
  private final Set<K> queued = ConcurrentHashMap.newKeySet();
  // Confined to the worker thread.
  private final Map<K, Integer> failures = new HashMap<>();
  private volatile boolean closed;

  /** A queue whose thread is named {@code name}. */
  public KeyedWorkQueue(String name, Handler<K> handler, Backoff backoff) {
    this.name = Objects.requireNonNull(name, "name");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.worker =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
    worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Queues {@code key} unless it is already waiting; from any thread. */
  public void add(K key) {
    if (queued.add(key)) {
      execute(() -> process(key));
    }
  }

  /** Runs {@code task} on the queue's thread, after the work queued before it. */
  public void execute(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        throw e;
      }
    }
  }

  /** {@code key}'s failed attempts in a row; on the queue's thread (from a handler). */
  public int failures(K key) {
    return failures.getOrDefault(key, 0);
  }

  /** Forgets {@code key}'s failures, as if it had succeeded; on the queue's thread. */
  public void forget(K key) {
    failures.remove(key);
  }

  /** Whether {@link #close} has been called; handlers stop early when it has. */
  public boolean isClosed() {
    return closed;
  }

  /** Stops taking work and waits up to {@code timeout} for the key being handled. */
  public void close(Duration timeout) {
    closed = true;
    worker.shutdown();
    try {
      if (!worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warnf("%s: still handling a key %s after close", name, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void process(K key) {
    queued.remove(key);
    if (closed) {
      return;
    }
    Optional<String> retry;
    try {
      retry = handler.handle(key);
    } catch (RuntimeException e) {
      // An executor would drop the exception silently; log it and try again later instead.
      LOG.errorf(e, "%s: unexpected failure handling %s", name, key);
      retry = Optional.of("unexpected failure: " + e);
    }
    if (retry.isEmpty()) {
      failures.remove(key);
      return;
    }
    int attempt = failures.merge(key, 1, Integer::sum);
    long delay = backoff.delayMillis(attempt);
    if (attempt > 1) {
      // The first failure is the handler's to report; later ones only say the retries go on.
      LOG.warnf(
          "%s: %s failed %d times, retrying in %d ms: %s", name, key, attempt, delay, retry.get());
    }
    try {
      worker.schedule(() -> add(key), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      if (!closed) {
        throw e;
      }
    }
  }
}
