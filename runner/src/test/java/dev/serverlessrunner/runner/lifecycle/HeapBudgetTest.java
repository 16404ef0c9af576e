package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {

  private static final long MIB = 1L << 20;

  /** One thread at the default ceilings (128 MiB, 1 MiB bodies), 256 queued, two shards of 20k. */
  private static HeapBudget defaults(int threads) {
    return new HeapBudget(threads, 128 * MIB, 256, MIB, 2, 20_000);
  }

  @Test
  void worstCaseAddsGuestsBodiesAndBacklog() {
    HeapBudget budget = defaults(2);

    assertThat(budget.guests()).isEqualTo(256 * MIB);
    assertThat(budget.bodies()).isEqualTo(258 * MIB);
    assertThat(budget.backlog()).isEqualTo(2 * 20_000 * 7 * 1024L);
    assertThat(budget.needed()).isEqualTo(256 * MIB + 258 * MIB + 2 * 20_000 * 7 * 1024L);
  }

  @Test
  void defaultPodOfTwoGigabytesFits() {
    // The operator's default pod: 2Gi, heap 75 % of it; one thread from its 500m CPU request.
    assertThatCode(() -> defaults(1).requireFits(1536 * MIB)).doesNotThrowAnyException();
    assertThatCode(() -> defaults(2).requireFits(1536 * MIB)).doesNotThrowAnyException();
  }

  @Test
  void aGigabytePodCannotHoldTheDefaultsWorstCase() {
    assertThatThrownBy(() -> defaults(1).requireFits(768 * MIB))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusalNamesEveryTermAndTheKnobsToTurn() {
    HeapBudget budget = new HeapBudget(16, 1024 * MIB, 256, 8 * MIB, 4, 100_000);

    assertThatThrownBy(() -> budget.requireFits(4096 * MIB))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("guests 16 threads x 1024 MiB = 16384 MiB")
        .hasMessageContaining("request bodies (16 threads + 256 queued) x 8192 KiB = 2176 MiB")
        .hasMessageContaining("record backlog 4 shards x 100000 records x 7 KiB = 2734 MiB")
        .hasMessageContaining("75 % of the 4096 MiB heap (3072 MiB)")
        .hasMessageContaining("runner.execution.threads")
        .hasMessageContaining("spec.functionLimits.max.memory")
        .hasMessageContaining("spec.persistence.batch.queueCapacity")
        .hasMessageContaining("-Xmx");
  }

  @Test
  void largerCeilingNeedsMoreHeap() {
    HeapBudget fourGiB = new HeapBudget(1, 4096 * MIB, 256, MIB, 1, 20_000);

    assertThatThrownBy(() -> fourGiB.requireFits(4096 * MIB))
        .hasMessageContaining("guests 1 threads x 4096 MiB");
    assertThatCode(() -> fourGiB.requireFits(8192 * MIB)).doesNotThrowAnyException();
  }
}
