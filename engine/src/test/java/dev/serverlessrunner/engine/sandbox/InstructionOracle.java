package dev.serverlessrunner.engine.sandbox;

import com.dylibso.chicory.runtime.ExecutionListener;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Limits;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

/**
 * The reference count fuel metering must reproduce: every instruction Chicory's interpreter
 * dispatches while running the original, unmetered module, counted by an {@code ExecutionListener},
 * under the sandbox's own WASI context (same args, env, stdin, stdio functions and memory limits).
 * Host functions count nothing.
 */
final class InstructionOracle {

  /**
   * @param instructions instructions executed; {@code limit + 1} when the run was stopped there
   * @param overLimit whether the run would execute more than {@code limit} instructions
   * @param exitCode the guest's exit code, -1 after a trap
   * @param stdout what the guest wrote to standard output
   */
  record Count(long instructions, boolean overLimit, int exitCode, String stdout) {}

  private static final class Stop extends RuntimeException {
    Stop() {
      super("instruction limit reached", null, false, false);
    }
  }

  private InstructionOracle() {}

  static Count count(byte[] original, Invocation invocation, long limit) {
    WasmModule module = Parser.parse(original);
    Limits limits = invocation.limits();
    BoundedOutput stdout = new BoundedOutput(limits.maxStdoutBytes());
    BoundedOutput stderr = new BoundedOutput(limits.maxStderrBytes());
    long[] executed = {0};
    ExecutionListener counter =
        (instruction, stack) -> {
          if (++executed[0] > limit) {
            throw new Stop();
          }
        };
    int exitCode = 0;
    boolean stopped = false;
    try (WasiPreview1 wasi = Sandbox.wasi(invocation, stdout, stderr, new SecureRandom())) {
      Instance.Builder builder =
          Instance.builder(module)
              .withImportValues(
                  Sandbox.imports(
                      importNames(module),
                      wasi,
                      new GuestStdio(invocation.stdin(), stdout, stderr)))
              .withUnsafeExecutionListener(counter)
              .withStart(false);
      module
          .memorySection()
          .ifPresent(
              memories -> {
                MemoryLimits declared = memories.getMemory(0).limits();
                int cap = Math.min(declared.maximumPages(), limits.memoryPages());
                builder.withMemoryLimits(new MemoryLimits(declared.initialPages(), cap));
              });
      Instance instance = builder.build();
      try {
        if (module.startSection().isPresent()) {
          instance.getMachine().call((int) module.startSection().get().startIndex(), new long[0]);
        }
        instance.export("_start").apply();
      } catch (WasiExitException e) {
        exitCode = e.exitCode();
      } catch (Stop e) {
        stopped = true;
        exitCode = -1;
      } catch (ChicoryException e) {
        exitCode = -1;
      }
    }
    return new Count(
        executed[0],
        stopped,
        exitCode,
        new String(stdout.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Set<String> importNames(WasmModule module) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < module.importSection().importCount(); i++) {
      names.add(module.importSection().getImport(i).name());
    }
    return names;
  }
}
