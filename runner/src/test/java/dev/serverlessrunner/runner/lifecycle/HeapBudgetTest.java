package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {

  private static final long MIB = 1L << 20;

  @Test
  void guestsFittingHalfTheHeapAreAccepted() {
    assertThatCode(() -> HeapBudget.requireFits(4, 64 * MIB, 512 * MIB)).doesNotThrowAnyException();
  }

  @Test
  void guestsThatCouldFillTheHeapAreRefusedWithTheKnobsToTurn() {
    assertThatThrownBy(() -> HeapBudget.requireFits(16, 64 * MIB, 1024 * MIB))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("16 execution threads")
        .hasMessageContaining("-Xmx")
        .hasMessageContaining("runner.execution.threads");
  }
}
