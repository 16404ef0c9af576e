package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExecutionIdsTest {

  /** 2^74: the random part (rand_a 12 bits, rand_b 62 bits) of a UUIDv7. */
  private static final BigInteger RANDOM_SPACE = BigInteger.ONE.shiftLeft(74);

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
  void idsOfLaterMillisecondsSortAfter() {
    UUID first = ExecutionIds.next();
    long firstMillis = first.getMostSignificantBits() >>> 16;
    UUID later;
    do {
      later = ExecutionIds.next();
    } while ((later.getMostSignificantBits() >>> 16) == firstMillis);
    assertThat(compareUnsigned(later, first)).isPositive();
  }

  /**
   * Ids drawn in the same millisecond must not let one id predict another: no small or repeated
   * difference between neighbours, and every random bit set about half the time.
   */
  @Test
  void idsFromOneMillisecondShareNoArithmeticPattern() {
    Map<Long, List<BigInteger>> byMillisecond = new HashMap<>();
    List<BigInteger> all = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      UUID id = ExecutionIds.next();
      BigInteger random = randomPart(id);
      all.add(random);
      byMillisecond
          .computeIfAbsent(id.getMostSignificantBits() >>> 16, ms -> new ArrayList<>())
          .add(random);
    }
    int pairs = 0;
    Set<BigInteger> differences = new HashSet<>();
    BigInteger near = BigInteger.ONE.shiftLeft(40);
    for (List<BigInteger> sameMillisecond : byMillisecond.values()) {
      for (int i = 1; i < sameMillisecond.size(); i++) {
        BigInteger difference =
            sameMillisecond.get(i).subtract(sameMillisecond.get(i - 1)).mod(RANDOM_SPACE);
        assertThat(difference.min(RANDOM_SPACE.subtract(difference)))
            .as("distance between neighbours in one millisecond")
            .isGreaterThan(near);
        differences.add(difference);
        pairs++;
      }
    }
    assertThat(pairs).as("ids drawn within one millisecond").isGreaterThan(1_000);
    assertThat(differences).as("distinct neighbour differences").hasSize(pairs);
    for (int bit = 0; bit < 74; bit++) {
      int b = bit;
      long set = all.stream().filter(r -> r.testBit(b)).count();
      assertThat(set).as("ids with random bit %d set", bit).isBetween(9_000L, 11_000L);
    }
  }

  private static BigInteger randomPart(UUID id) {
    long randA = id.getMostSignificantBits() & 0xFFFL;
    long randB = id.getLeastSignificantBits() & 0x3FFF_FFFF_FFFF_FFFFL;
    return BigInteger.valueOf(randA).shiftLeft(62).or(BigInteger.valueOf(randB));
  }

  private static int compareUnsigned(UUID a, UUID b) {
    int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return high != 0
        ? high
        : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }
}
