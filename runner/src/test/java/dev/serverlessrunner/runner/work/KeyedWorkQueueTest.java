package dev.serverlessrunner.runner.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class KeyedWorkQueueTest {

  private static final Backoff FAST =
      new Backoff(Duration.ofMillis(5), Duration.ofMillis(20), new SplittableRandom(7));

  private KeyedWorkQueue<String> queue;

  @AfterEach
  void close() {
    queue.close(Duration.ofSeconds(5));
  }

  @Test
  void aKeyAddedManyTimesWhileWaitingIsHandledOnce() throws Exception {
    CountDownLatch blocker = new CountDownLatch(1);
    List<String> handled = new CopyOnWriteArrayList<>();
    queue =
        new KeyedWorkQueue<>(
            "test-queue",
            key -> {
              handled.add(key);
              return Optional.empty();
            },
            FAST);
    queue.execute(() -> awaitQuietly(blocker));
    for (int i = 0; i < 10; i++) {
      queue.add("a");
    }
    queue.add("b");
    blocker.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
    assertThat(handled).containsExactly("a", "b");
  }

  @Test
  void aKeyAskingForARetryIsHandledAgainUntilItSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> failuresSeen = new CopyOnWriteArrayList<>();
    queue =
        new KeyedWorkQueue<>(
            "test-queue",
            key -> {
              failuresSeen.add(queue.failures(key));
              return calls.incrementAndGet() < 4 ? Optional.of("not yet") : Optional.empty();
            },
            FAST);

    queue.add("a");

    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 4);
    assertThat(failuresSeen).containsExactly(0, 1, 2, 3);
  }

  @Test
  void aHandlerThatThrowsIsRetried() {
    AtomicInteger calls = new AtomicInteger();
    queue =
        new KeyedWorkQueue<>(
            "test-queue",
            key -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
              }
              return Optional.empty();
            },
            FAST);

    queue.add("a");

    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
  }

  @Test
  void handlersRunOneAtATimeOnTheQueuesThread() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<String> threads = new CopyOnWriteArrayList<>();
    AtomicInteger done = new AtomicInteger();
    queue =
        new KeyedWorkQueue<>(
            "test-queue",
            key -> {
              if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              threads.add(Thread.currentThread().getName());
              running.decrementAndGet();
              done.incrementAndGet();
              return Optional.empty();
            },
            FAST);

    for (int i = 0; i < 50; i++) {
      queue.add("key-" + i);
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> done.get() == 50);
    assertThat(overlaps).hasValue(0);
    assertThat(threads).containsOnly("test-queue");
  }

  @Test
  void nothingIsHandledAfterClose() {
    AtomicInteger calls = new AtomicInteger();
    queue =
        new KeyedWorkQueue<>(
            "test-queue",
            key -> {
              calls.incrementAndGet();
              return Optional.of("never settles");
            },
            FAST);
    queue.add("a");
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 1);

    queue.close(Duration.ofSeconds(5));
    int after = calls.get();
    queue.add("b");

    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(1))
        .until(() -> calls.get() == after);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
