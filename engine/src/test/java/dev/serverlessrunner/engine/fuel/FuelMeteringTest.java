package dev.serverlessrunner.engine.fuel;

import static dev.serverlessrunner.engine.fuel.TinyModule.I32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Value;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exact fuel counts and structural cases on hand-assembled modules. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FuelMeteringTest {

  private static final long BUDGET = 1_000_000;
  private static final int[] NONE = {};
  private static final ImportValues NO_IMPORTS = ImportValues.builder().build();

  @ParameterizedTest
  @EnumSource(Engine.class)
  void straightLineFunctionCostsOnePerInstructionIncludingItsEnd(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, new int[] {I32});
    // i32.const 1; i32.const 2; i32.add; i32.const 3; i32.add; end
    m.function(t, 0x41, 1, 0x41, 2, 0x6A, 0x41, 3, 0x6A, 0x0B).exportFunction("f", 0);

    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, BUDGET);

    assertThat(instance.export("f").apply()[0]).isEqualTo(6);
    assertThat(BUDGET - Engine.fuel(instance)).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void loopChargesItsBodyOncePerIteration(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(new int[] {I32}, NONE);
    // loop; local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 0; end; end
    // blocks: [loop]=1, body=5 per iteration, [end]=1, [end]=1
    m.function(t, 0x03, 0x40, 0x20, 0, 0x41, 1, 0x6B, 0x22, 0, 0x0D, 0, 0x0B, 0x0B);
    m.exportFunction("f", 0);

    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, BUDGET);
    instance.export("f").apply(10);

    assertThat(BUDGET - Engine.fuel(instance)).isEqualTo(5 * 10 + 3);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void callChargesCallerAndCallee(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, new int[] {I32});
    m.function(t, 0x10, 1, 0x0B); // f: call g; end
    m.function(t, 0x41, 7, 0x0B); // g: i32.const 7; end
    m.exportFunction("f", 0);

    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, BUDGET);

    assertThat(instance.export("f").apply()[0]).isEqualTo(7);
    assertThat(BUDGET - Engine.fuel(instance)).isEqualTo(4);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void branchToALabelCountsTheEndItLandsOn(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(new int[] {I32}, NONE);
    // block; local.get 0; br_table [0] default 1; end; end
    // param 1 leaves through the function's label: block, local.get, br_table and the function's
    // end (4); param 0 branches to the block's end, then falls through the function's end (5)
    m.function(t, 0x02, 0x40, 0x20, 0, 0x0E, 1, 0, 1, 0x0B, 0x0B).exportFunction("f", 0);
    byte[] wasm = meter(m);

    Instance leaves = engine.instantiate(wasm, NO_IMPORTS, BUDGET);
    leaves.export("f").apply(1);
    Instance fallsThrough = engine.instantiate(wasm, NO_IMPORTS, BUDGET);
    fallsThrough.export("f").apply(0);

    assertThat(BUDGET - Engine.fuel(leaves)).isEqualTo(4);
    assertThat(BUDGET - Engine.fuel(fallsThrough)).isEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void ifCountsItsEndOnBothArmsAndElseOnlyAfterTheThenArm(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(new int[] {I32}, new int[] {I32});
    // local.get 0; if (result i32); i32.const 1; else; i32.const 2; end; end
    // then: local.get, if, i32.const, else, end, end (6); else: local.get, if, i32.const, end, end
    m.function(t, 0x20, 0, 0x04, 0x7F, 0x41, 1, 0x05, 0x41, 2, 0x0B, 0x0B);
    m.exportFunction("f", 0);
    byte[] wasm = meter(m);

    Instance then = engine.instantiate(wasm, NO_IMPORTS, BUDGET);
    Instance otherwise = engine.instantiate(wasm, NO_IMPORTS, BUDGET);

    assertThat(then.export("f").apply(1)[0]).isEqualTo(1);
    assertThat(otherwise.export("f").apply(0)[0]).isEqualTo(2);
    assertThat(BUDGET - Engine.fuel(then)).isEqualTo(6);
    assertThat(BUDGET - Engine.fuel(otherwise)).isEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void conditionalBranchOutOfTheFunctionWithAResultCountsTheFunctionsEnd(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(new int[] {I32}, new int[] {I32});
    // i32.const 7; local.get 0; br_if 0; drop; i32.const 9; end
    // taken: const, local.get, br_if, end (4); not taken: all six
    m.function(t, 0x41, 7, 0x20, 0, 0x0D, 0, 0x1A, 0x41, 9, 0x0B).exportFunction("f", 0);
    byte[] wasm = meter(m);

    Instance taken = engine.instantiate(wasm, NO_IMPORTS, BUDGET);
    Instance notTaken = engine.instantiate(wasm, NO_IMPORTS, BUDGET);

    assertThat(taken.export("f").apply(1)[0]).isEqualTo(7);
    assertThat(notTaken.export("f").apply(0)[0]).isEqualTo(9);
    assertThat(BUDGET - Engine.fuel(taken)).isEqualTo(4);
    assertThat(BUDGET - Engine.fuel(notTaken)).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void branchOutOfAFunctionWithTwoResultsIsChargedAndKeepsBothResults(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(new int[] {I32}, new int[] {I32, I32});
    // i32.const 1; i32.const 2; local.get 0; br_if 0; drop; drop; i32.const 3; i32.const 4; end
    // taken: const, const, local.get, br_if, end (5); not taken: all nine
    m.function(t, 0x41, 1, 0x41, 2, 0x20, 0, 0x0D, 0, 0x1A, 0x1A, 0x41, 3, 0x41, 4, 0x0B);
    m.exportFunction("f", 0);
    byte[] wasm = meter(m);

    Instance taken = engine.instantiate(wasm, NO_IMPORTS, BUDGET);
    Instance notTaken = engine.instantiate(wasm, NO_IMPORTS, BUDGET);

    assertThat(taken.export("f").apply(1)).containsExactly(1, 2);
    assertThat(notTaken.export("f").apply(0)).containsExactly(3, 4);
    assertThat(BUDGET - Engine.fuel(taken)).isEqualTo(5);
    assertThat(BUDGET - Engine.fuel(notTaken)).isEqualTo(9);
  }

  /**
   * Unmetered, such a body compiles up to about 39 KB; metered, up to about 18 KB. Past that
   * Chicory interprets it, still metered exactly.
   */
  @Test
  void callDenseBodyOfSixteenKilobytesStillCompilesWhenMeteredExactly() {
    MeteredModule metered = FuelMetering.instrument(callDenseModule(16_000));

    assertThatCode(() -> Engine.COMPILER.instantiate(metered.bytes(), NO_IMPORTS, BUDGET))
        .doesNotThrowAnyException();
  }

  /**
   * The worst case for code growth: a call every 6 bytes ({@code local.get 0; call 1; local.set
   * 0}), each call gaining the fuel argument and a reload with the next block's charge.
   */
  private static byte[] callDenseModule(int maxBodyBytes) {
    TinyModule m = new TinyModule();
    int t = m.type(new int[] {I32}, new int[] {I32});
    int reps = (maxBodyBytes - 16) / 6;
    int[] code = new int[reps * 6 + 3];
    for (int r = 0; r < reps; r++) {
      System.arraycopy(new int[] {0x20, 0, 0x10, 1, 0x21, 0}, 0, code, r * 6, 6);
    }
    code[reps * 6] = 0x20;
    code[reps * 6 + 2] = 0x0B;
    m.function(t, code).function(t, 0x20, 0, 0x0B).exportFunction("f", 0);
    return m.build();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void infiniteLoopRunsOutOfFuelAndLeavesTheGlobalNegative(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, NONE);
    m.function(t, 0x03, 0x40, 0x0C, 0, 0x0B, 0x0B).exportFunction("f", 0); // loop br 0 end
    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, 1000);

    assertThatThrownBy(() -> instance.export("f").apply()).isInstanceOf(TrapException.class);
    assertThat(Engine.fuel(instance)).isNegative().isGreaterThanOrEqualTo(-1);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void guestsOwnTrapLeavesTheGlobalNonNegative(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, NONE);
    m.function(t, 0x01, 0x00, 0x0B).exportFunction("f", 0); // nop; unreachable; end
    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, BUDGET);

    assertThatThrownBy(() -> instance.export("f").apply()).isInstanceOf(TrapException.class);
    assertThat(Engine.fuel(instance)).isEqualTo(BUDGET - 2);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void endlessTailRecursionRunsOutOfFuel(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, NONE);
    m.function(t, 0x12, 0, 0x0B).exportFunction("f", 0); // return_call 0; end
    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, 1000);

    assertThatThrownBy(() -> instance.export("f").apply()).isInstanceOf(TrapException.class);
    assertThat(Engine.fuel(instance)).isNegative();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void internalCalleeWithParamsAndLocalsComputesTheSameResult(Engine engine) {
    TinyModule m = new TinyModule();
    int tf = m.type(NONE, new int[] {I32});
    int tg = m.type(new int[] {I32, I32}, new int[] {I32});
    m.function(tf, 0x41, 10, 0x41, 3, 0x10, 1, 0x0B).exportFunction("f", 0); // g(10, 3)
    // g: local.get 0; local.get 1; i32.sub; local.set 2; local.get 2; end
    m.function(tg, new int[] {I32}, 0x20, 0, 0x20, 1, 0x6B, 0x21, 2, 0x20, 2, 0x0B);

    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, BUDGET);

    assertThat(instance.export("f").apply()[0]).isEqualTo(7);
    assertThat(BUDGET - Engine.fuel(instance)).isEqualTo(4 + 6);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void functionReachedThroughATableKeepsItsSignature(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, new int[] {I32});
    m.function(t, 0x41, 0, 0x11, t, 0, 0x0B).exportFunction("f", 0); // call_indirect table[0]
    m.function(t, 0x41, 7, 0x0B).table(1);

    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, BUDGET);

    assertThat(instance.export("f").apply()[0]).isEqualTo(7);
    assertThat(BUDGET - Engine.fuel(instance)).isEqualTo(3 + 2);
  }

  @Test
  void moduleWithoutImportSectionGainsTheFuelImport() {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, NONE);
    m.function(t, 0x41, 1, 0x1A, 0x0B).start(0); // i32.const 1; drop; end — run at instantiation

    Instance instance =
        Instance.builder(Parser.parse(meter(m)))
            .withImportValues(Engine.withFuel(NO_IMPORTS, BUDGET))
            .build();

    assertThat(Engine.fuel(instance)).isEqualTo(BUDGET - 3);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void definedGlobalsMoveUpBehindTheFuelImportEverywhere(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, new int[] {I32});
    m.globalI32(true, 5).exportGlobal("five", 0);
    // global.get 0; i32.const 1; i32.add; global.set 0; global.get 0; end
    m.function(t, 0x23, 0, 0x41, 1, 0x6A, 0x24, 0, 0x23, 0, 0x0B).exportFunction("f", 0);

    Instance instance = engine.instantiate(meter(m), NO_IMPORTS, BUDGET);

    assertThat(instance.export("f").apply()[0]).isEqualTo(6);
    assertThat(instance.exports().global("five").getValue()).isEqualTo(6);
    assertThat(BUDGET - Engine.fuel(instance)).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void importedAndDefinedGlobalsKeepTheirIndices(Engine engine) {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, new int[] {I32});
    m.importGlobal("env", "g", I32, false).globalI32(false, 5).exportGlobal("five", 1);
    m.function(t, 0x23, 0, 0x23, 1, 0x6A, 0x0B).exportFunction("f", 0); // g0 + g1
    ImportValues imports =
        ImportValues.builder()
            .addGlobal(new ImportGlobal("env", "g", new GlobalInstance(Value.i32(37))))
            .build();

    Instance instance = engine.instantiate(meter(m), imports, BUDGET);

    assertThat(instance.export("f").apply()[0]).isEqualTo(42);
    assertThat(instance.exports().global("five").getValue()).isEqualTo(5);
    assertThat(BUDGET - Engine.fuel(instance)).isEqualTo(4);
  }

  @Test
  void moduleImportingFromTheFuelModuleIsRejected() {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, NONE);
    m.importGlobal(FuelMetering.FUEL_MODULE, FuelMetering.FUEL_NAME, I32, true);
    m.function(t, 0x0B);

    assertThatThrownBy(() -> meter(m))
        .isInstanceOf(FuelMeteringException.class)
        .hasMessageContaining(FuelMetering.FUEL_MODULE);
  }

  @Test
  void customSectionsAreKept() {
    TinyModule m = new TinyModule();
    int t = m.type(NONE, NONE);
    m.function(t, 0x0B).custom("note", "kept".getBytes(StandardCharsets.UTF_8));

    WasmModule parsed = Parser.parse(meter(m));

    assertThat(parsed.customSection("note")).isNotNull();
  }

  @Test
  void bytesThatAreNotWasmAreRejected() {
    byte[] notWasm = "not wasm".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> FuelMetering.instrument(notWasm))
        .isInstanceOf(FuelMeteringException.class)
        .hasMessageContaining("does not parse");
  }

  private static byte[] meter(TinyModule m) {
    return FuelMetering.instrument(m.build()).bytes();
  }
}
