package dev.serverlessrunner.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.load.TinyModules;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sandbox on the calling thread: nothing of one run survives into the next. */
@Timeout(60)
class SandboxTest {

  /**
   * {@code _start}: trap if the i32 at address 0 is not zero, then store 42 there. A second run
   * traps if it sees the first run's memory.
   */
  private static final byte[] DIRTY_MEMORY_DETECTOR = {
    0,
    'a',
    's',
    'm',
    1,
    0,
    0,
    0,
    1,
    4,
    1,
    0x60,
    0,
    0, // type 0: () -> ()
    3,
    2,
    1,
    0, // function 0 of type 0
    5,
    3,
    1,
    0,
    1, // memory: min 1 page
    7,
    10,
    1,
    6,
    '_',
    's',
    't',
    'a',
    'r',
    't',
    0,
    0, // export "_start" = function 0
    10,
    20,
    1,
    18,
    0, // code: one body of 18 bytes, no locals
    0x41,
    0,
    0x28,
    2,
    0,
    0x04,
    0x40,
    0x00,
    0x0b, // if (i32.load 0) unreachable
    0x41,
    0,
    0x41,
    42,
    0x36,
    2,
    0,
    0x0b // i32.store 0 42
  };

  private final ModuleLoader loader =
      new ModuleLoader(ModulePolicy.DEFAULTS, CompilationMode.COMPILED, new SimpleMeterRegistry());
  private final Sandbox sandbox = new Sandbox();

  @Test
  void nextRunOnTheSameThreadStartsWithZeroedMemory() {
    LoadedModule detector = loader.load(DIRTY_MEMORY_DETECTOR);

    ExecutionResult first = sandbox.run(detector, Invocation.of(new byte[0]), Deadline.none());
    ExecutionResult second = sandbox.run(detector, Invocation.of(new byte[0]), Deadline.none());

    assertThat(first.outcome()).isEqualTo(Outcome.OK);
    assertThat(second.outcome()).as(second.toString()).isEqualTo(Outcome.OK);
  }

  @Test
  void anotherModuleAfterARunGetsItsOwnDataAndOutput() {
    LoadedModule greeter = loader.load(Guests.bytes("greeter"));
    LoadedModule echo = loader.load(Guests.bytes("echo"));

    ExecutionResult greeted = sandbox.run(greeter, stdin("Ann"), Deadline.none());
    ExecutionResult echoed = sandbox.run(echo, stdin("Ben"), Deadline.none());
    ExecutionResult greetedAgain = sandbox.run(greeter, stdin("Cy"), Deadline.none());

    assertThat(greeted.stdoutText()).isEqualTo("Hello, Ann!");
    assertThat(echoed.stdoutText()).isEqualTo("Ben");
    assertThat(greetedAgain.stdoutText()).isEqualTo("Hello, Cy!");
  }

  @Test
  void functionLeftToTheInterpreterStillRunsAndIsMetered() {
    LoadedModule mixed = loader.load(TinyModules.hugeFunction(12_000));

    ExecutionResult result = sandbox.run(mixed, Invocation.of(new byte[0]), Deadline.none());

    assertThat(mixed.interpretedFunctions()).isEqualTo(1);
    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(result.fuelConsumed()).isGreaterThanOrEqualTo(12_000);
  }

  private static Invocation stdin(String text) {
    return Invocation.of(text.getBytes(StandardCharsets.UTF_8));
  }
}
