package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExecutionIdsTest {

  @Test
  void areVersion7WithTheCurrentTime() {
    long before = System.currentTimeMillis();
    UUID id = ExecutionIds.next();
    long after = System.currentTimeMillis();
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    long millis = id.getMostSignificantBits() >>> 16;
    assertThat(millis).isBetween(before, after);
  }

  @Test
  void increaseMonotonicallyEvenWithinAMillisecond() {
    UUID previous = ExecutionIds.next();
    for (int i = 0; i < 10_000; i++) {
      UUID next = ExecutionIds.next();
      assertThat(compareUnsigned(next, previous)).isPositive();
      previous = next;
    }
  }

  private static int compareUnsigned(UUID a, UUID b) {
    int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return high != 0
        ? high
        : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }
}
