package dev.serverlessrunner.bench;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.sandbox.Deadline;
import dev.serverlessrunner.engine.sandbox.Sandbox;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cold start: in a fresh JVM (one fork per sample, no warm-up), the time to load a module (validate
 * + meter + compile, with every class of the engine, Chicory and ASM still unloaded and uncompiled)
 * and serve its first request; and, separately, the first compile alone. Compare with {@link
 * InvocationBenchmark} (cached) and {@link CompileBenchmark} (warm compile).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(5)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class FirstRequestBenchmark {

  @Param({"greeter", "fib", "sha256-loop"})
  public String guest;

  @Benchmark
  public LoadedModule coldCompile() {
    return loader().load(Guests.bytes(guest));
  }

  @Benchmark
  public ExecutionResult coldCompileAndFirstRequest() {
    LoadedModule module = loader().load(Guests.bytes(guest));
    Invocation invocation =
        Invocation.builder()
            .stdin("Alice".getBytes(StandardCharsets.UTF_8))
            .env("QUERY_STRING", "n=10")
            .build();
    return new Sandbox().run(module, invocation, Deadline.none());
  }

  private static ModuleLoader loader() {
    return new ModuleLoader(
        ModulePolicy.DEFAULTS, CompilationMode.COMPILED, new SimpleMeterRegistry());
  }
}
