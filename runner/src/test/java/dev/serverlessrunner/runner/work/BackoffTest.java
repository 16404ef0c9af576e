package dev.serverlessrunner.runner.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Backoff backoff =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(42));

  @Test
  void firstRetryWaitsBetweenHalfAndAllOfTheMinimum() {
    for (int i = 0; i < 1000; i++) {
      assertThat(backoff.delayMillis(1)).isBetween(50L, 100L);
    }
  }

  @Test
  void doublesPerAttempt() {
    for (int i = 0; i < 1000; i++) {
      assertThat(backoff.delayMillis(3)).isBetween(200L, 400L);
    }
  }

  @Test
  void isCappedAtTheMaximumEvenAfterManyAttempts() {
    for (int attempt = 5; attempt < 10_000; attempt += 97) {
      assertThat(backoff.delayMillis(attempt)).isBetween(1000L, 2000L);
    }
  }

  @Test
  void isJittered() {
    long first = backoff.delayMillis(4);
    boolean varied = false;
    for (int i = 0; i < 100 && !varied; i++) {
      varied = backoff.delayMillis(4) != first;
    }
    assertThat(varied).isTrue();
  }
}
