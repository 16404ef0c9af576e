package dev.serverlessrunner.runner.lifecycle;

/**
 * Refuses to start a runner whose worst case does not fit its heap: every execution thread running
 * a guest at the largest memory its pool allows, every admitted request holding the largest body
 * allowed (but never more bodies than the body budget lets the runner hold at once), and every
 * recording backlog full of the largest records. The rest of the heap is left to Quarkus, Vert.x,
 * the module cache and the garbage collector's headroom.
 *
 * @param threads execution threads ({@code runner.execution.threads})
 * @param guestMemoryBytes the largest memory a function may have ({@code
 *     runner.limits.ceiling.memory-bytes})
 * @param executionQueue requests that may wait for a thread ({@code
 *     runner.execution.queue-capacity})
 * @param requestBytes the largest body a function may accept ({@code
 *     runner.limits.ceiling.request-bytes})
 * @param bodyBudgetBytes the request-body bytes held at once over every connection ({@code
 *     runner.http.body-budget-bytes})
 * @param shards recording shards (each has its own backlog)
 * @param recordQueue records that may wait per shard ({@code runner.recording.queue-capacity})
 */
record HeapBudget(
    int threads,
    long guestMemoryBytes,
    int executionQueue,
    long requestBytes,
    long bodyBudgetBytes,
    int shards,
    int recordQueue) {

  /** The worst case may use at most this share of the heap. */
  static final double SHARE = 0.75;

  /**
   * Heap of one queued execution record at its largest: the 2048-byte stdout snippet and the
   * 1024-byte stderr snippet held as UTF-16 (4 + 2 KiB; one character outside Latin-1 doubles a
   * Java string), an error message of at most {@code ExecutionRecord.MAX_ERROR_CHARS} characters (2
   * KiB), names, ids (trace ids included) and the queue entry.
   */
  static final long RECORD_BYTES = 9 * 1024;

  private static final long MIB = 1L << 20;

  long guests() {
    return threads * guestMemoryBytes;
  }

  /** Bodies of every admitted request at their largest, before the body budget caps them. */
  long admittedBodies() {
    return (threads + (long) executionQueue) * requestBytes;
  }

  long bodies() {
    return Math.min(admittedBodies(), bodyBudgetBytes);
  }

  long backlog() {
    return shards * (long) recordQueue * RECORD_BYTES;
  }

  long needed() {
    return guests() + bodies() + backlog();
  }

  /** Throws naming every term and the settings that move it, unless {@link #needed()} fits. */
  void requireFits(long maxHeapBytes) {
    long allowed = (long) (maxHeapBytes * SHARE);
    if (needed() <= allowed) {
      return;
    }
    throw new IllegalStateException(
        String.format(
            "the worst case needs %d MiB of heap, more than %.0f %% of the %d MiB heap (%d MiB):"
                + " guests %d threads x %d MiB = %d MiB (runner.execution.threads,"
                + " runner.limits.ceiling.memory-bytes: the pool's spec.functionLimits.max.memory);"
                + " request bodies (%d threads + %d queued) x %d KiB = %d MiB, held at most %d MiB"
                + " (runner.execution.queue-capacity, runner.limits.ceiling.request-bytes,"
                + " runner.http.body-budget-bytes);"
                + " record backlog %d shards x %d records x %d KiB = %d MiB"
                + " (runner.recording.queue-capacity: spec.persistence.batch.queueCapacity)."
                + " Give the runner more memory (-Xmx, the pool's spec.resources) or lower these",
            needed() / MIB,
            SHARE * 100,
            maxHeapBytes / MIB,
            allowed / MIB,
            threads,
            guestMemoryBytes / MIB,
            guests() / MIB,
            threads,
            executionQueue,
            requestBytes >> 10,
            admittedBodies() / MIB,
            bodies() / MIB,
            shards,
            recordQueue,
            RECORD_BYTES >> 10,
            backlog() / MIB));
  }
}
