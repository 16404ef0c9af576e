package dev.serverlessrunner.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.engine.sandbox.Deadline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The execution pool: named workers, saturation, deadlines that never leak into later runs. */
@Timeout(30)
class ExecutionPoolTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void runsOnNamedWorkerThreadsNotTheCaller() throws Exception {
    try (ExecutionPool pool = new ExecutionPool(new PoolOptions(1, 1 << 20, 4), registry)) {
      String name =
          pool.submit(Duration.ofSeconds(5), d -> Thread.currentThread().getName(), () -> "no")
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);

      assertThat(name).startsWith("sr-guest-").isNotEqualTo(Thread.currentThread().getName());
    }
  }

  @Test
  void fullQueueAnswersSaturatedAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutionPool pool = new ExecutionPool(new PoolOptions(1, 1 << 20, 1), registry)) {
      CompletionStage<String> running =
          pool.submit(Duration.ofSeconds(10), d -> block(release), () -> "saturated");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> registry.get("runner.engine.pool.active").gauge().value() == 1);
      CompletionStage<String> queued =
          pool.submit(Duration.ofSeconds(10), d -> "queued ran", () -> "saturated");

      CompletionStage<String> refused =
          pool.submit(Duration.ofSeconds(10), d -> "refused ran", () -> "saturated");

      assertThat(refused.toCompletableFuture().getNow("pending")).isEqualTo("saturated");
      release.countDown();
      assertThat(running.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("released");
      assertThat(queued.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("queued ran");
      assertThat(registry.get("runner.engine.pool.rejected").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void deadlineInterruptsTheWorkerAndIsReported() throws Exception {
    try (ExecutionPool pool = new ExecutionPool(new PoolOptions(1, 1 << 20, 4), registry)) {
      boolean expired =
          pool.submit(Duration.ofMillis(100), ExecutionPoolTest::sleepUntilInterrupted, () -> false)
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);

      assertThat(expired).isTrue();
    }
  }

  @Test
  void interruptOfAnExpiredRunDoesNotLeakIntoTheNextRun() throws Exception {
    try (ExecutionPool pool = new ExecutionPool(new PoolOptions(1, 1 << 20, 4), registry)) {
      pool.submit(Duration.ofMillis(50), ExecutionPoolTest::sleepUntilInterrupted, () -> false)
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);

      boolean interrupted =
          pool.submit(
                  Duration.ofSeconds(5), d -> Thread.currentThread().isInterrupted(), () -> true)
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);

      assertThat(interrupted).isFalse();
    }
  }

  private static String block(CountDownLatch release) {
    try {
      release.await();
      return "released";
    } catch (InterruptedException e) {
      return "interrupted";
    }
  }

  private static boolean sleepUntilInterrupted(Deadline deadline) {
    try {
      new CountDownLatch(1).await(10, TimeUnit.SECONDS);
      return false;
    } catch (InterruptedException e) {
      return deadline.expired();
    }
  }
}
