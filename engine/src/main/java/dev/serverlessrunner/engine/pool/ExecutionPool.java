package dev.serverlessrunner.engine.pool;

import dev.serverlessrunner.engine.sandbox.Deadline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A bounded pool of named platform threads with explicit stack sizes that runs guest code off the
 * caller's thread (never an event loop), with a wall-clock deadline per task enforced by
 * interrupting its worker. A full queue refuses new work immediately.
 */
public final class ExecutionPool implements AutoCloseable {

  private final ThreadPoolExecutor workers;
  private final DeadlineWatchdog watchdog;
  private final Counter rejected;

  public ExecutionPool(PoolOptions options, MeterRegistry registry) {
    BlockingQueue<Runnable> queue =
        options.queueCapacity() == 0
            ? new SynchronousQueue<>()
            : new ArrayBlockingQueue<>(options.queueCapacity());
    this.workers =
        new ThreadPoolExecutor(
            options.threads(),
            options.threads(),
            0,
            TimeUnit.MILLISECONDS,
            queue,
            threads("sr-guest-", options.stackSizeBytes()),
            new ThreadPoolExecutor.AbortPolicy());
    this.workers.prestartAllCoreThreads();
    this.watchdog = new DeadlineWatchdog("sr-guest-deadlines");
    this.rejected =
        Counter.builder("runner.engine.pool.rejected")
            .description("Runs refused because the execution queue was full")
            .register(registry);
    Gauge.builder("runner.engine.pool.queued", queue, BlockingQueue::size)
        .description("Runs waiting for a worker")
        .register(registry);
    Gauge.builder("runner.engine.pool.active", workers, ThreadPoolExecutor::getActiveCount)
        .description("Workers running a guest")
        .register(registry);
  }

  /**
   * Runs {@code task} on a worker with a deadline of {@code timeout} from when it starts. If the
   * queue is full, completes at once with {@code onSaturated}'s value instead. The stage completes
   * on the worker thread: callers on an event loop should hop back to it.
   */
  public <T> CompletionStage<T> submit(
      Duration timeout, Function<Deadline, T> task, Supplier<T> onSaturated) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      workers.execute(() -> runWithDeadline(timeout, task, result));
    } catch (RejectedExecutionException e) {
      rejected.increment();
      result.complete(onSaturated.get());
    }
    return result;
  }

  private <T> void runWithDeadline(
      Duration timeout, Function<Deadline, T> task, CompletableFuture<T> result) {
    Deadline deadline = new Deadline(Thread.currentThread());
    DeadlineWatchdog.Watched watched = watchdog.watch(deadline, timeout);
    T value = null;
    Throwable failure = null;
    try {
      value = task.apply(deadline);
    } catch (RuntimeException | Error e) {
      // Handed to the caller below instead of being lost in the worker.
      failure = e;
    } finally {
      watchdog.unwatch(watched);
      deadline.finish();
    }
    // Completed only after the deadline is disarmed: the caller's continuations may run on this
    // thread, and no late interrupt may reach them.
    if (failure == null) {
      result.complete(value);
    } else {
      result.completeExceptionally(failure);
    }
  }

  /** Stops accepting work and waits briefly for running guests; interrupts what is left. */
  @Override
  public void close() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      watchdog.close();
    }
  }

  private static java.util.concurrent.ThreadFactory threads(String prefix, long stackSize) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(null, runnable, prefix + counter.incrementAndGet(), stackSize);
      thread.setDaemon(true);
      return thread;
    };
  }
}
