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

  /** One thread per available processor, 4 MiB stacks, 64 queued runs per thread. */
  public static PoolOptions defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new PoolOptions(cores, 4L << 20, 64 * cores);
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
