package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.Batch;
import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.crd.pool.Persistence;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.config.OperatorConfig;
import java.time.Duration;

/**
 * How long a runner pod of a pool may take to stop, phase by phase, and the grace period that
 * covers them all; pure. The operator passes each phase to the runner (so the runner bounds it) and
 * sets {@code terminationGracePeriodSeconds} to their sum, so the kubelet never kills a runner that
 * is still answering requests or writing records.
 *
 * @param endpointRemovalDelay serving while unready, until endpoints and proxies drop the pod
 * @param executionDrain running guests finishing once new requests are refused: the pool's longest
 *     function timeout plus {@link #ANSWER_SLACK}
 * @param recordingDrain backlogs written to the shards: a base for retries plus a full backlog at
 *     {@link #PESSIMISTIC_ROWS_PER_SECOND}
 */
public record RunnerShutdownBudget(
    Duration endpointRemovalDelay, Duration executionDrain, Duration recordingDrain) {

  /** Time for the answer of a guest that hit its timeout, and for the worker pool to stop. */
  static final Duration ANSWER_SLACK = Duration.ofSeconds(5);

  /**
   * What the runner does besides the three phases: stopping its engine (up to 5 s), abandoning
   * records after a timed-out drain (up to 5 s), closing pools and the JVM.
   */
  static final Duration MARGIN = Duration.ofSeconds(15);

  /** Rows per second one shard surely takes (notes/postgres.md measures above 100,000). */
  static final int PESSIMISTIC_ROWS_PER_SECOND = 10_000;

  /** The runner's record backlog per shard when the pool sets none (runner and CRD default). */
  static final int DEFAULT_QUEUE_CAPACITY = 20_000;

  /** The budget of {@code pool}'s runner pods under the operator's settings. */
  public static RunnerShutdownBudget of(RunnerPool pool, OperatorConfig.Runner settings) {
    Duration longestFunction = wholeSeconds(FunctionCeilings.of(pool).timeout());
    long backlog = queueCapacity(pool);
    Duration writeBacklog =
        Duration.ofSeconds(
            (backlog + PESSIMISTIC_ROWS_PER_SECOND - 1) / PESSIMISTIC_ROWS_PER_SECOND);
    return new RunnerShutdownBudget(
        settings.endpointRemovalDelay(),
        longestFunction.plus(ANSWER_SLACK),
        settings.recordingDrainBase().plus(writeBacklog));
  }

  /** The phases plus the margin, and never below the operator's configured least grace period. */
  public Duration terminationGracePeriod(Duration atLeast) {
    Duration sum = endpointRemovalDelay.plus(executionDrain).plus(recordingDrain).plus(MARGIN);
    return sum.compareTo(atLeast) < 0 ? atLeast : sum;
  }

  private static long queueCapacity(RunnerPool pool) {
    Persistence persistence = pool.getSpec().getPersistence();
    Batch batch = persistence == null ? null : persistence.getBatch();
    return batch == null || batch.getQueueCapacity() == null
        ? DEFAULT_QUEUE_CAPACITY
        : batch.getQueueCapacity();
  }

  /** {@code d} rounded up to whole seconds, as a grace period counts them. */
  private static Duration wholeSeconds(Duration d) {
    return Duration.ofSeconds(d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0));
  }
}
