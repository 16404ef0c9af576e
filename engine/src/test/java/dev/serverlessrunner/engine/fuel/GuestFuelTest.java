package dev.serverlessrunner.engine.fuel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import dev.serverlessrunner.guests.Guests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Metered committed guests: same behaviour, deterministic fuel, runaway guests stopped. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GuestFuelTest {

  private static final long BUDGET = 100_000_000;
  private static final long SMALL_BUDGET = 1_000_000;

  static Stream<Arguments> workloads() {
    return Stream.of(
        Arguments.of("fib", Map.of("QUERY_STRING", "n=20"), ""),
        Arguments.of("sha256-loop", Map.of("QUERY_STRING", "n=50"), ""),
        Arguments.of("greeter", Map.of(), "Alice"));
  }

  @ParameterizedTest
  @MethodSource("workloads")
  void meteredGuestPrintsWhatTheOriginalPrints(String guest, Map<String, String> env, String in) {
    byte[] original = Guests.bytes(guest);
    String expected = GuestRun.runUnmetered(original, env, in);

    GuestRun metered = GuestRun.run(meter(guest), Engine.COMPILER, BUDGET, env, in);

    assertThat(metered.failure()).isNull();
    assertThat(metered.exitCode()).isZero();
    assertThat(metered.stdout()).isEqualTo(expected).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("workloads")
  void fuelConsumedIsIdenticalAcrossRunsAndEngines(
      String guest, Map<String, String> env, String in) {
    byte[] wasm = meter(guest);
    List<Long> consumed = new ArrayList<>();
    for (Engine engine : Engine.values()) {
      for (int run = 0; run < 3; run++) {
        consumed.add(GuestRun.run(wasm, engine, BUDGET, env, in).consumed(BUDGET));
      }
    }

    assertThat(consumed).first().isNotNull();
    assertThat(consumed.get(0)).isPositive();
    assertThat(consumed).containsOnly(consumed.get(0));
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void endlessCLoopRunsOutOfFuel(Engine engine) {
    GuestRun run = GuestRun.run(meter("loop-forever"), engine, SMALL_BUDGET, Map.of(), "");

    assertThat(run.failure()).isInstanceOf(TrapException.class);
    assertThat(run.fuelLeft()).isNegative();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void endlessWatLoopRunsOutOfFuel(Engine engine) {
    GuestRun run = GuestRun.run(meter("wat-loop"), engine, SMALL_BUDGET, Map.of(), "");

    assertThat(run.failure()).isInstanceOf(TrapException.class);
    assertThat(run.fuelLeft()).isNegative().isGreaterThanOrEqualTo(-1);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void guestsOwnTrapLeavesFuelNonNegative(Engine engine) {
    GuestRun run = GuestRun.run(meter("trap"), engine, SMALL_BUDGET, Map.of(), "");

    assertThat(run.failure()).isInstanceOf(TrapException.class);
    assertThat(run.stdout()).contains("about to execute unreachable");
    assertThat(run.fuelLeft()).isNotNegative().isLessThan(SMALL_BUDGET);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void endlessRecursionEndsInFuelOrStackExhaustion(Engine engine) {
    GuestRun run = GuestRun.run(meter("recurse-forever"), engine, SMALL_BUDGET, Map.of(), "");

    assertThat(run.failure()).isInstanceOf(ChicoryException.class);
    if (run.fuelLeft() >= 0) {
      assertThat(run.failure()).hasMessageContaining("call stack exhausted");
    }
  }

  @Test
  void everyGuestThatParsesStillParsesOnceMetered() {
    for (String guest : Guests.names()) {
      byte[] wasm = Guests.bytes(guest);
      if (parses(wasm)) {
        byte[] metered = FuelMetering.instrument(wasm).bytes();
        assertThatCode(() -> Parser.parse(metered)).as(guest).doesNotThrowAnyException();
      }
    }
  }

  private static boolean parses(byte[] wasm) {
    try {
      Parser.parse(wasm);
      return true;
    } catch (ChicoryException e) {
      return false;
    }
  }

  private static byte[] meter(String guest) {
    return FuelMetering.instrument(Guests.bytes(guest)).bytes();
  }
}
