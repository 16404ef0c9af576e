package dev.serverlessrunner.engine.load;

import dev.serverlessrunner.engine.Limits;

/**
 * What the runner accepts at load time, beyond Wasm validity.
 *
 * @param maxMemoryPages the largest initial memory a module may declare (and the largest memory cap
 *     a function may ask for), in 64 KiB pages
 * @param maxTableEntries the largest initial size of a table, and the largest maximum of a table
 *     the module can grow with {@code table.grow}: Chicory allocates table entries eagerly on the
 *     heap, outside any memory limit
 * @param maxModuleBytes the largest module accepted, to bound parse and compile work
 */
public record ModulePolicy(int maxMemoryPages, long maxTableEntries, int maxModuleBytes) {

  /**
   * The largest module a runner accepts by default (50 MiB), from any source; the operator refuses
   * larger ones with the same bound.
   */
  public static final int DEFAULT_MAX_MODULE_BYTES = 50 << 20;

  /** 1024 pages (64 MiB), 100,000 table entries, 50 MiB modules. */
  public static final ModulePolicy DEFAULTS =
      new ModulePolicy(1024, 100_000, DEFAULT_MAX_MODULE_BYTES);

  /**
   * The policy a runner loads modules with: a module may declare no more initial memory than the
   * largest memory a function may have ({@code maxMemoryBytes}), and no more bytes than {@code
   * maxModuleBytes}. The operator checks modules with the same policy, so a function is Ready only
   * when a runner will serve it.
   */
  public static ModulePolicy forRunner(long maxMemoryBytes, long maxModuleBytes) {
    return DEFAULTS
        .withMaxMemoryPages((int) Math.min(65536, maxMemoryBytes / Limits.PAGE_SIZE))
        .withMaxModuleBytes((int) Math.min(Integer.MAX_VALUE, maxModuleBytes));
  }

  public ModulePolicy {
    if (maxMemoryPages < 1 || maxMemoryPages > 65536) {
      throw new IllegalArgumentException("maxMemoryPages must be in 1..65536: " + maxMemoryPages);
    }
    if (maxTableEntries < 0) {
      throw new IllegalArgumentException("maxTableEntries must not be negative");
    }
    if (maxModuleBytes < 8) {
      throw new IllegalArgumentException("maxModuleBytes must be at least 8");
    }
  }

  public ModulePolicy withMaxMemoryPages(int value) {
    return new ModulePolicy(value, maxTableEntries, maxModuleBytes);
  }

  public ModulePolicy withMaxTableEntries(long value) {
    return new ModulePolicy(maxMemoryPages, value, maxModuleBytes);
  }

  public ModulePolicy withMaxModuleBytes(int value) {
    return new ModulePolicy(maxMemoryPages, maxTableEntries, value);
  }
}
