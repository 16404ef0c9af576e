package dev.serverlessrunner.engine.sandbox;

/**
 * The wall-clock deadline of one run on one thread. Compiled guest code checks the thread's
 * interrupt flag on every backward branch and call, so expiring interrupts the thread. Expiry and
 * completion are serialised, so an expiry that loses the race never interrupts the thread after the
 * run has finished (and the thread has moved on to another request).
 */
public final class Deadline {

  private final Thread thread;
  private boolean expired;
  private boolean finished;

  public Deadline(Thread thread) {
    this.thread = thread;
  }

  /** A deadline that never expires, for running on the caller's thread (benchmarks, tools). */
  public static Deadline none() {
    return new Deadline(null);
  }

  /** Marks the run as timed out and interrupts it, unless it already finished. */
  public synchronized void expire() {
    if (!finished && thread != null) {
      expired = true;
      thread.interrupt();
    }
  }

  /** Whether the deadline passed while the run was going on. */
  public synchronized boolean expired() {
    return expired;
  }

  /**
   * Ends the run: no interrupt can arrive after this returns; any that arrived before is cleared.
   * Must be called on the run's own thread.
   */
  public void finish() {
    synchronized (this) {
      finished = true;
    }
    if (thread != null) {
      Thread.interrupted();
    }
  }
}
