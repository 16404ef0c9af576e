package dev.serverlessrunner.runner.lifecycle;

/** Refuses a configuration whose concurrent guests could fill the heap by themselves. */
final class HeapBudget {

  private HeapBudget() {}

  /** Guests may use at most this share of the heap; the rest is for queues, records and Quarkus. */
  static final double GUEST_SHARE = 0.5;

  static void requireFits(int threads, long memoryBytesPerGuest, long maxHeapBytes) {
    long needed = threads * memoryBytesPerGuest;
    if (needed > maxHeapBytes * GUEST_SHARE) {
      throw new IllegalStateException(
          String.format(
              "%d execution threads x %d MiB guest memory = %d MiB, more than half the heap (%d MiB):"
                  + " raise -Xmx, or lower runner.execution.threads or runner.limits.memory-bytes",
              threads, memoryBytesPerGuest >> 20, needed >> 20, maxHeapBytes >> 20));
    }
  }
}
