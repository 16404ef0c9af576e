package dev.serverlessrunner.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.load.ModuleRejectedException;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuel charged equals the instructions executed, counted independently by {@link InstructionOracle}
 * on the unmetered module, for every runnable guest of the corpus, compiled and interpreted.
 */
@Timeout(600)
class FuelOracleTest {

  /**
   * Guests that never finish on their own: they must run out of this budget (small enough for
   * {@code recurse-forever} to run out before any call stack does).
   */
  private static final long SMALL_BUDGET = 5_000;

  private static final Set<String> ENDLESS = Set.of("loop-forever", "wat-loop", "recurse-forever");

  private static final Map<CompilationMode, ModuleLoader> LOADERS =
      new EnumMap<>(CompilationMode.class);

  static {
    for (CompilationMode mode : CompilationMode.values()) {
      LOADERS.put(mode, new ModuleLoader(ModulePolicy.DEFAULTS, mode, new SimpleMeterRegistry()));
    }
  }

  private final Sandbox sandbox = new Sandbox();

  /** Every guest of the corpus, with the input that makes it do its work. */
  static Stream<Arguments> corpus() {
    List<Arguments> runs = new ArrayList<>();
    for (String guest : Guests.names()) {
      runs.add(Arguments.of(guest, invocation(guest)));
    }
    runs.add(Arguments.of("fib", query("n=25")));
    runs.add(Arguments.of("fib", query("n=x")));
    runs.add(Arguments.of("greeter", stdin("")));
    return runs.stream();
  }

  private static Invocation invocation(String guest) {
    return switch (guest) {
      case "fib", "fib-cgi" -> query("n=20");
      case "sha256-loop" -> query("n=200");
      case "greeter" -> stdin("Alice\n");
      case "echo" -> stdin("binary\0safe\nbytes".repeat(1000));
      case "env-dump" ->
          Invocation.builder()
              .args(List.of("env-dump", "--flag", "x y"))
              .env(Map.of("QUERY_STRING", "a=1", "REQUEST_METHOD", "POST"))
              .build();
      // millions of instructions through dispatch functions of 19 KB (compiled) and 66 KB (too
      // large for a JVM method: interpreted even in the compiled module)
      case "bytecode-vm" -> query("n=5");
      case "bytecode-vm-huge" -> query("n=2");
      case "sleep" -> query("ms=1&n=3");
      default -> ENDLESS.contains(guest) ? withBudget(query(""), SMALL_BUDGET) : query("");
    };
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("corpus")
  void fuelConsumedIsTheExactInstructionCount(String guest, Invocation invocation) {
    byte[] wasm = Guests.bytes(guest);
    LoadedModule compiled;
    try {
      compiled = LOADERS.get(CompilationMode.COMPILED).load(wasm);
    } catch (ModuleRejectedException e) {
      return; // refused at load on purpose: nothing runs, nothing to count
    }
    LoadedModule interpreted = LOADERS.get(CompilationMode.INTERPRETED).load(wasm);
    long budget = invocation.limits().fuel();
    InstructionOracle.Count exact = InstructionOracle.count(wasm, invocation, budget);

    for (LoadedModule module : List.of(compiled, interpreted)) {
      ExecutionResult result = sandbox.run(module, invocation, Deadline.none());
      String path = module.compiled() ? "compiled" : "interpreted";
      if (exact.overLimit()) {
        assertThat(result.outcome()).as(path).isEqualTo(Outcome.FUEL_EXHAUSTED);
        assertThat(result.fuelConsumed()).as(path).isEqualTo(budget);
      } else {
        assertThat(result.outcome()).as(path).isNotEqualTo(Outcome.FUEL_EXHAUSTED);
        assertThat(result.stdoutText()).as(path).isEqualTo(exact.stdout());
        assertThat(result.fuelConsumed()).as(path).isEqualTo(exact.instructions());
      }
    }
    assertThat(exact.overLimit()).as("runs out of fuel").isEqualTo(ENDLESS.contains(guest));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("boundaries")
  void aBudgetOfExactlyTheCountSufficesAndOneLessRunsOut(String guest, Invocation invocation) {
    byte[] wasm = Guests.bytes(guest);
    long exact = InstructionOracle.count(wasm, invocation, Long.MAX_VALUE).instructions();

    for (CompilationMode mode : CompilationMode.values()) {
      LoadedModule module = LOADERS.get(mode).load(wasm);
      ExecutionResult enough = sandbox.run(module, withBudget(invocation, exact), Deadline.none());
      ExecutionResult short1 =
          sandbox.run(module, withBudget(invocation, exact - 1), Deadline.none());

      assertThat(enough.outcome()).as(mode.name()).isEqualTo(Outcome.OK);
      assertThat(enough.fuelConsumed()).as(mode.name()).isEqualTo(exact);
      assertThat(short1.outcome()).as(mode.name()).isEqualTo(Outcome.FUEL_EXHAUSTED);
    }
  }

  static Stream<Arguments> boundaries() {
    return Stream.of(
        Arguments.of("fib", query("n=15")),
        Arguments.of("sha256-loop", query("n=20")),
        Arguments.of("bytecode-vm", query("n=1")),
        Arguments.of("bytecode-vm-huge", query("n=1")));
  }

  private static Invocation query(String queryString) {
    return Invocation.builder().env("QUERY_STRING", queryString).build();
  }

  private static Invocation stdin(String text) {
    return Invocation.of(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Invocation withBudget(Invocation invocation, long fuel) {
    return new Invocation(
        invocation.stdin(),
        invocation.args(),
        invocation.env(),
        invocation.limits().withFuel(fuel));
  }
}
