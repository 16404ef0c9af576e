package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {

  private static final long MIB = 1L << 20;

  /** No body budget to speak of: bodies are bounded by admission alone. */
  private static final long UNBOUNDED = Long.MAX_VALUE;

  /**
   * Threads at the default ceilings (128 MiB, 1 MiB bodies), 256 queued, two shards of 20k, and the
   * default body budget of the default pod (an eighth of a 1536 MiB heap).
   */
  private static HeapBudget defaults(int threads) {
    return new HeapBudget(threads, 128 * MIB, 256, MIB, 192 * MIB, 2, 20_000);
  }

  @Test
  void worstCaseAddsGuestsBodiesAndBacklog() {
    HeapBudget budget = defaults(2);

    assertThat(budget.guests()).isEqualTo(256 * MIB);
    assertThat(budget.admittedBodies()).isEqualTo(258 * MIB);
    assertThat(budget.bodies()).as("capped by the body budget").isEqualTo(192 * MIB);
    assertThat(budget.backlog()).isEqualTo(2 * 20_000 * 9 * 1024L);
    assertThat(budget.needed()).isEqualTo(256 * MIB + 192 * MIB + 2 * 20_000 * 9 * 1024L);
  }

  @Test
  void bodiesBelowTheBodyBudgetCountInFull() {
    HeapBudget budget = new HeapBudget(2, 128 * MIB, 14, MIB, 192 * MIB, 2, 20_000);

    assertThat(budget.bodies()).isEqualTo(16 * MIB);
  }

  @Test
  void aSmallerBodyBudgetLetsASmallerHeapRunTheSameCeilings() {
    HeapBudget unbounded = new HeapBudget(2, 128 * MIB, 1024, 4 * MIB, UNBOUNDED, 1, 20_000);
    HeapBudget budgeted = new HeapBudget(2, 128 * MIB, 1024, 4 * MIB, 64 * MIB, 1, 20_000);

    assertThatThrownBy(() -> unbounded.requireFits(2048 * MIB))
        .hasMessageContaining("runner.http.body-budget-bytes");
    assertThatCode(() -> budgeted.requireFits(2048 * MIB)).doesNotThrowAnyException();
  }

  @Test
  void defaultPodOfTwoGigabytesFits() {
    // The operator's default pod: 2Gi, heap 75 % of it; one thread from its 500m CPU request.
    assertThatCode(() -> defaults(1).requireFits(1536 * MIB)).doesNotThrowAnyException();
    assertThatCode(() -> defaults(2).requireFits(1536 * MIB)).doesNotThrowAnyException();
  }

  @Test
  void aGigabytePodHoldsTheDefaultsOnlyBecauseItsBodyBudgetBoundsTheBodies() {
    // A 1Gi pod: 768 MiB heap, whose default body budget is an eighth of it.
    HeapBudget withBudget = new HeapBudget(1, 128 * MIB, 256, MIB, 96 * MIB, 2, 20_000);
    HeapBudget withoutBudget = new HeapBudget(1, 128 * MIB, 256, MIB, UNBOUNDED, 2, 20_000);

    assertThatCode(() -> withBudget.requireFits(768 * MIB)).doesNotThrowAnyException();
    assertThatThrownBy(() -> withoutBudget.requireFits(768 * MIB))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusalNamesEveryTermAndTheKnobsToTurn() {
    HeapBudget budget = new HeapBudget(16, 1024 * MIB, 256, 8 * MIB, UNBOUNDED, 4, 100_000);

    assertThatThrownBy(() -> budget.requireFits(4096 * MIB))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("guests 16 threads x 1024 MiB = 16384 MiB")
        .hasMessageContaining(
            "request bodies (16 threads + 256 queued) x 8192 KiB = 2176 MiB, held at most 2176 MiB")
        .hasMessageContaining("record backlog 4 shards x 100000 records x 9 KiB = 3515 MiB")
        .hasMessageContaining("75 % of the 4096 MiB heap (3072 MiB)")
        .hasMessageContaining("runner.execution.threads")
        .hasMessageContaining("spec.functionLimits.max.memory")
        .hasMessageContaining("spec.persistence.batch.queueCapacity")
        .hasMessageContaining("-Xmx");
  }

  @Test
  void largerCeilingNeedsMoreHeap() {
    HeapBudget fourGiB = new HeapBudget(1, 4096 * MIB, 256, MIB, 192 * MIB, 1, 20_000);

    assertThatThrownBy(() -> fourGiB.requireFits(4096 * MIB))
        .hasMessageContaining("guests 1 threads x 4096 MiB");
    assertThatCode(() -> fourGiB.requireFits(8192 * MIB)).doesNotThrowAnyException();
  }
}
