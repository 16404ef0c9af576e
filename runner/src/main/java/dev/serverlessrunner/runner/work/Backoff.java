package dev.serverlessrunner.runner.work;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential retry delays with "equal jitter": attempt n waits between half and all of {@code
 * min·2^(n-1)}, capped at {@code max}. The jitter keeps the runners of a pool from hammering a
 * recovering shard in lock step; the lower half bound keeps delays from collapsing to zero.
 *
 * <p>Shared by the recording shards (a failed batch) and {@link KeyedWorkQueue} (a module that
 * could not be fetched). Not thread-safe: each user keeps its own, confined to one thread with its
 * own {@code random}.
 *
 * <p>Why not a retry library: a failed batch is retried forever (records are never dropped) and
 * must keep its in-flight place on the shard's event loop; a Vert.x timer on the shard's context
 * does exactly that. SmallRye Fault Tolerance (CDI, bounded retries around a method) and similar
 * libraries would add a second scheduler for one line of arithmetic.
 */
public final class Backoff {

  private final long minMillis;
  private final long maxMillis;
  private final RandomGenerator random;

  public Backoff(Duration min, Duration max, RandomGenerator random) {
    this.minMillis = Math.max(1, min.toMillis());
    this.maxMillis = Math.max(minMillis, max.toMillis());
    this.random = random;
  }

  /** The delay before retry number {@code attempt} (1 for the first retry), at least 1 ms. */
  public long delayMillis(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    long cap = minMillis;
    for (int i = 1; i < attempt && cap < maxMillis; i++) {
      cap = cap > maxMillis / 2 ? maxMillis : cap * 2;
    }
    long half = cap / 2;
    return Math.max(1, half + random.nextLong(cap - half + 1));
  }
}
