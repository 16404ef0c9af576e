package dev.serverlessrunner.bench;

import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Load time per module (validate + fuel-meter + compile to JVM bytecode), warm: what a runner pays
 * to add or replace a function once it is up. The cold, fresh-JVM figure is {@link
 * FirstRequestBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileBenchmark {

  @Param({"greeter", "fib", "sha256-loop"})
  public String guest;

  private byte[] wasm;
  private ModuleLoader loader;

  @Setup
  public void read() {
    wasm = Guests.bytes(guest);
    loader =
        new ModuleLoader(
            ModulePolicy.DEFAULTS, CompilationMode.COMPILED, new SimpleMeterRegistry());
  }

  @Benchmark
  public LoadedModule load() {
    return loader.load(wasm);
  }
}
