package dev.serverlessrunner.bench;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.sandbox.Deadline;
import dev.serverlessrunner.engine.sandbox.Sandbox;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * Wall and CPU time of the same operations as the JMH benchmarks, measured with the thread's own
 * CPU clock: on a shared, oversubscribed machine the wall clock mostly measures the neighbours,
 * while the CPU time a request needs stays close to what it costs on a quiet machine. Run in a
 * fresh JVM: the first lines are the cold start.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.serverlessrunner.bench.CpuTimeReport</pre>
 */
public final class CpuTimeReport {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String[] GUESTS = {"greeter", "fib", "sha256-loop"};

  private CpuTimeReport() {}

  public static void main(String[] args) {
    ModuleLoader loader =
        new ModuleLoader(
            ModulePolicy.DEFAULTS, CompilationMode.COMPILED, new SimpleMeterRegistry());
    Sandbox sandbox = new Sandbox();
    Invocation invocation =
        Invocation.builder()
            .stdin("Alice".getBytes(StandardCharsets.UTF_8))
            .env("QUERY_STRING", "n=10")
            .build();

    long wall = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    LoadedModule first = loader.load(Guests.bytes("greeter"));
    ExecutionResult result = sandbox.run(first, invocation, Deadline.none());
    require(result);
    System.out.printf(
        "cold JVM, first load + first request (greeter): wall %.1f ms, cpu %.1f ms%n",
        (System.nanoTime() - wall) / 1e6, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);

    for (String guest : GUESTS) {
      byte[] wasm = Guests.bytes(guest);
      for (int i = 0; i < 20; i++) {
        loader.load(wasm);
      }
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 10; i++) {
        long before = THREADS.getCurrentThreadCpuTime();
        loader.load(wasm);
        best = Math.min(best, THREADS.getCurrentThreadCpuTime() - before);
      }
      System.out.printf(
          "warm load (validate + meter + compile) %s: cpu %.1f ms (best of 10)%n",
          guest, best / 1e6);
    }

    for (int i = 0; i < 100_000; i++) {
      sandbox.run(first, invocation, Deadline.none());
    }
    long best = Long.MAX_VALUE;
    int batch = 20_000;
    for (int round = 0; round < 10; round++) {
      long before = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < batch; i++) {
        sandbox.run(first, invocation, Deadline.none());
      }
      best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - before) / batch);
    }
    System.out.printf(
        "cached request (greeter: instantiate + run + capture): cpu %.1f us (best of 10 x %d)%n",
        best / 1e3, batch);
  }

  private static void require(ExecutionResult result) {
    if (result.outcome() != Outcome.OK) {
      throw new IllegalStateException("greeter failed: " + result);
    }
  }
}
