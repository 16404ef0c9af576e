package dev.serverlessrunner.engine.pool;

/**
 * Sizing of the execution pool.
 *
 * @param threads platform worker threads; guests are CPU-bound, so about one per core
 * @param stackSizeBytes each worker's stack: deep guest recursion ends in "call stack exhausted"
 *     instead of taking the thread down, and the depth it allows is predictable
 * @param queueCapacity runs waiting for a worker; beyond it submissions are refused (saturated)
 */
public record PoolOptions(int threads, long stackSizeBytes, int queueCapacity) {

  /** 8 MiB worker stacks: deep enough for the recursion of compiled C guests (runner default). */
  public static final long DEFAULT_STACK_SIZE_BYTES = 8L << 20;

  /** Runs that may wait for a worker before submissions are refused (runner default). */
  public static final int DEFAULT_QUEUE_CAPACITY = 256;

  /**
   * One thread per available processor, {@link #DEFAULT_STACK_SIZE_BYTES}, {@link
   * #DEFAULT_QUEUE_CAPACITY}.
   */
  public static PoolOptions defaults() {
    return new PoolOptions(
        Runtime.getRuntime().availableProcessors(),
        DEFAULT_STACK_SIZE_BYTES,
        DEFAULT_QUEUE_CAPACITY);
  }

  public PoolOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    if (stackSizeBytes < 256 << 10) {
      throw new IllegalArgumentException("stackSizeBytes must be at least 256 KiB");
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException("queueCapacity must not be negative");
    }
  }

  public PoolOptions withThreads(int value) {
    return new PoolOptions(value, stackSizeBytes, queueCapacity);
  }

  public PoolOptions withStackSizeBytes(long value) {
    return new PoolOptions(threads, value, queueCapacity);
  }

  public PoolOptions withQueueCapacity(int value) {
    return new PoolOptions(threads, stackSizeBytes, value);
  }
}
