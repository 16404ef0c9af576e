package dev.serverlessrunner.bench;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.Value;
import dev.serverlessrunner.engine.fuel.FuelMetering;
import dev.serverlessrunner.guests.Guests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of fuel metering on compiled guests: the same guest run metered and unmetered, a fresh WASI
 * context and instance per invocation, on a module compiled once ({@code MachineFactoryCompiler}).
 * {@code sha256-loop} is loop-bound (target ≤ +10 %), {@code fib} with n=25 is call-bound (target ≤
 * 1.5×), {@code bytecode-vm} runs most of its time in one 19 KB function (a bytecode interpreter's
 * dispatch loop), metered exactly like small ones.
 *
 * <p>{@link #main} is a second harness for a shared, loaded machine: per guest it alternates
 * unmetered and metered runs in one JVM and compares the thread CPU time each run took, so that
 * preemption by other processes does not count and load changes hit both variants alike.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FuelOverheadBenchmark {

  private static final long BUDGET = Long.MAX_VALUE / 2;

  @Param({"sha256-loop", "fib", "bytecode-vm"})
  public String guest;

  @Param({"false", "true"})
  public boolean metered;

  private WasmModule module;
  private Function<Instance, Machine> machines;
  private String query;

  @Setup(Level.Trial)
  public void compile() {
    byte[] wasm = Guests.bytes(guest);
    module = Parser.parse(metered ? FuelMetering.instrument(wasm).bytes() : wasm);
    machines =
        MachineFactoryCompiler.builder(module)
            .withInterpreterFallback(InterpreterFallback.FAIL)
            .compile();
    query =
        switch (guest) {
          case "fib" -> "n=25";
          case "bytecode-vm" -> "n=2";
          default -> "n=1000";
        };
    String out = new String(run(), StandardCharsets.UTF_8);
    if (out.isBlank()) {
      throw new IllegalStateException(guest + " printed nothing");
    }
  }

  /**
   * A/B on thread CPU time: {@code java -cp benchmarks.jar
   * dev.serverlessrunner.bench.FuelOverheadBenchmark [seconds [guest...]]} (default 60 s per guest
   * after 5 s of warm-up, every guest).
   */
  public static void main(String[] args) {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    List<String> guests =
        args.length > 1
            ? List.of(args).subList(1, args.length)
            : List.of("sha256-loop", "fib", "bytecode-vm");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.println(
        "guest        runs  off p0/p10/p50 (us)   on p0/p10/p50 (us)   on/off p0 p10 p50");
    for (String name : guests) {
      FuelOverheadBenchmark[] variants = {variant(name, false), variant(name, true)};
      List<List<Long>> cpu = List.of(new ArrayList<>(), new ArrayList<>());
      long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      long end = warm + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        boolean measuring = System.nanoTime() > warm;
        for (int v = 0; v < 2; v++) {
          long before = threads.getCurrentThreadCpuTime();
          variants[v].run();
          long took = threads.getCurrentThreadCpuTime() - before;
          if (measuring) {
            cpu.get(v).add(took);
          }
        }
      }
      long[][] q = new long[2][];
      for (int v = 0; v < 2; v++) {
        List<Long> sorted = cpu.get(v).stream().sorted().toList();
        q[v] =
            new long[] {
              sorted.get(0) / 1000,
              sorted.get(sorted.size() / 10) / 1000,
              sorted.get(sorted.size() / 2) / 1000
            };
      }
      System.out.printf(
          "%-12s %5d  %6d/%6d/%6d  %6d/%6d/%6d   %.2f %.2f %.2f%n",
          name,
          cpu.get(0).size(),
          q[0][0],
          q[0][1],
          q[0][2],
          q[1][0],
          q[1][1],
          q[1][2],
          (double) q[1][0] / q[0][0],
          (double) q[1][1] / q[0][1],
          (double) q[1][2] / q[0][2]);
    }
  }

  private static FuelOverheadBenchmark variant(String guest, boolean metered) {
    FuelOverheadBenchmark b = new FuelOverheadBenchmark();
    b.guest = guest;
    b.metered = metered;
    b.compile();
    return b;
  }

  @Benchmark
  public byte[] run() {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    WasiOptions options =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(new byte[0]), false)
            .withStdout(stdout, false)
            .withStderr(new ByteArrayOutputStream(), false)
            .withArguments(List.of(guest))
            .withEnvironment("QUERY_STRING", query)
            .build();
    try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options).build()) {
      ImportValues.Builder imports = ImportValues.builder().addFunction(wasi.toHostFunctions());
      if (metered) {
        imports.addGlobal(
            new ImportGlobal(
                FuelMetering.FUEL_MODULE,
                FuelMetering.FUEL_NAME,
                new GlobalInstance(Value.i64(BUDGET), MutabilityType.Var)));
      }
      Instance instance =
          Instance.builder(module)
              .withMachineFactory(machines)
              .withMemoryFactory(ByteArrayMemory::new)
              .withImportValues(imports.build())
              .withStart(false)
              .build();
      try {
        instance.export("_start").apply();
      } catch (WasiExitException e) {
        if (e.exitCode() != 0) {
          throw e;
        }
      }
    }
    return stdout.toByteArray();
  }
}
