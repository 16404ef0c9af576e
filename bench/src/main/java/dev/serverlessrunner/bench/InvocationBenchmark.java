package dev.serverlessrunner.bench;

import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.EngineOptions;
import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.sandbox.Deadline;
import dev.serverlessrunner.engine.sandbox.Sandbox;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One request against a cached, compiled module: fresh WASI context + fresh instance + {@code
 * _start} + captured stdout, for the greeter. {@code direct*} runs the sandbox on the benchmark
 * thread (the engine's own cost); {@code pooled} adds the hand-off to the execution pool and back,
 * which is what an HTTP request pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InvocationBenchmark {

  private Engine engine;
  private LoadedModule greeter;
  private final Sandbox sandbox = new Sandbox();
  private final Invocation invocation = Invocation.of("Alice".getBytes(StandardCharsets.UTF_8));

  @Setup(Level.Trial)
  public void load() {
    engine = new Engine(EngineOptions.defaults(), new SimpleMeterRegistry());
    greeter = engine.load(Guests.bytes("greeter"));
    ExecutionResult check = sandbox.run(greeter, invocation, Deadline.none());
    if (check.outcome() != Outcome.OK || !check.stdoutText().equals("Hello, Alice!")) {
      throw new IllegalStateException("greeter does not greet: " + check);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    engine.close();
  }

  @Benchmark
  @Threads(1)
  public ExecutionResult direct1Thread() {
    return sandbox.run(greeter, invocation, Deadline.none());
  }

  @Benchmark
  @Threads(2)
  public ExecutionResult direct2Threads() {
    return sandbox.run(greeter, invocation, Deadline.none());
  }

  @Benchmark
  @Threads(2)
  public ExecutionResult pooled2Threads() {
    return engine.submit(greeter, invocation).toCompletableFuture().join();
  }
}
