package dev.serverlessrunner.engine.sandbox;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * Reuses the linear memory of a finished run for the next run on the same thread. Allocating the
 * initial pages is the largest single cost of a request (about half of it for a small C guest), and
 * a guest that did not grow its memory leaves an object of exactly the right shape behind.
 *
 * <p>Isolation rests on Chicory zeroing every module-defined memory in {@code Instance.initialize}
 * before it writes the data segments; {@code SandboxTest} fails if a recycled memory ever shows a
 * previous run's bytes. Only memories still at their initial size are kept (Chicory cannot shrink a
 * memory), one per thread, so a worker pins at most one module's initial memory.
 */
final class MemoryRecycler {

  private static final ThreadLocal<MemoryRecycler> PER_THREAD =
      ThreadLocal.withInitial(MemoryRecycler::new);

  private Memory spare;
  private MemoryLimits spareLimits;

  private MemoryRecycler() {}

  /** The recycler of the calling thread. */
  static MemoryRecycler current() {
    return PER_THREAD.get();
  }

  /** A memory with these limits: the spare if it fits, else a new one. */
  Memory take(MemoryLimits limits) {
    Memory memory = spare;
    spare = null;
    if (memory != null && fits(spareLimits, limits)) {
      return memory;
    }
    return new ByteArrayMemory(limits);
  }

  /** Offers a finished run's memory for reuse; kept only if it never grew. */
  void recycle(Memory memory, MemoryLimits limits) {
    if (memory instanceof ByteArrayMemory && memory.pages() == limits.initialPages()) {
      spare = memory;
      spareLimits = limits;
    }
  }

  private static boolean fits(MemoryLimits have, MemoryLimits want) {
    return have.initialPages() == want.initialPages()
        && have.maximumPages() == want.maximumPages()
        && have.shared() == want.shared();
  }
}
