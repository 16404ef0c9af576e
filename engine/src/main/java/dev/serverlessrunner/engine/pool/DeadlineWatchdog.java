package dev.serverlessrunner.engine.pool;

import dev.serverlessrunner.engine.sandbox.Deadline;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that expires overdue deadlines every few milliseconds. A scheduled task per run would
 * wake a timer thread on every request (each new task becomes the head of an otherwise empty
 * queue); here a run costs one set insertion and one removal, and a timeout fires at most one tick
 * late.
 */
final class DeadlineWatchdog implements AutoCloseable {

  static final Duration TICK = Duration.ofMillis(5);

  private final Set<Watched> running = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean closed;

  /** A deadline being watched, and when it expires on the {@link System#nanoTime()} clock. */
  record Watched(Deadline deadline, long expiresAtNanos) {}

  DeadlineWatchdog(String name) {
    thread = new Thread(this::watch, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts watching: {@code deadline} expires {@code timeout} from now unless unwatched. */
  Watched watch(Deadline deadline, Duration timeout) {
    Watched watched = new Watched(deadline, System.nanoTime() + timeout.toNanos());
    running.add(watched);
    return watched;
  }

  void unwatch(Watched watched) {
    running.remove(watched);
  }

  private void watch() {
    while (!closed) {
      LockSupport.parkNanos(TICK.toNanos());
      long now = System.nanoTime();
      for (Watched watched : running) {
        if (now - watched.expiresAtNanos() >= 0 && running.remove(watched)) {
          watched.deadline().expire();
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
