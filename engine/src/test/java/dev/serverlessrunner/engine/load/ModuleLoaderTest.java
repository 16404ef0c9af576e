package dev.serverlessrunner.engine.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.list;

import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading: policy refusals with precise reasons, invalid bytes, digests, compilation. */
@Timeout(60)
class ModuleLoaderTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ModuleLoader loader =
      new ModuleLoader(ModulePolicy.DEFAULTS, CompilationMode.COMPILED, registry);

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "huge-table            | table 0 with 10000000 initial entries, above the cap of 100000",
        "huge-initial-memory   | initial memory of 2000 pages (125 MiB), above the cap of 1024 pages",
        "simd                  | uses SIMD: instruction V128_CONST",
        "multi-memory          | declares 2 memories (multi-memory)",
        "threads-shared-memory | declares a shared memory",
        "gc-types              | declares a GC struct type",
        "no-start              | has no _start export",
        "unknown-import        | env.launch_missiles",
      })
  void policyGuestIsRefusedWithItsReason(String guest, String reason) {
    assertThatThrownBy(() -> loader.load(Guests.bytes(guest)))
        .isInstanceOf(ModuleRefusedException.class)
        .extracting(e -> ((ModuleRejectedException) e).reasons(), list(String.class))
        .anySatisfy(r -> assertThat(r).contains(reason));
  }

  @Test
  void threadsGuestIsRefusedForItsAtomicsToo() {
    assertThatThrownBy(() -> loader.load(Guests.bytes("threads-shared-memory")))
        .extracting(e -> ((ModuleRejectedException) e).reasons(), list(String.class))
        .anySatisfy(
            r -> assertThat(r).contains("uses atomics (threads): instruction I32_ATOMIC_RMW_ADD"));
  }

  @Test
  void gcGuestIsRefusedForItsArrayTypeToo() {
    assertThatThrownBy(() -> loader.load(Guests.bytes("gc-types")))
        .extracting(e -> ((ModuleRejectedException) e).reasons(), list(String.class))
        .anySatisfy(r -> assertThat(r).contains("declares a GC array type"));
  }

  @Test
  void notWasmIsAnInvalidModule() {
    assertThatThrownBy(() -> loader.load(Guests.bytes("not-wasm")))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("magic header not detected");
  }

  @Test
  void importsOutsideWasiAreRefusedByName() {
    assertThatThrownBy(() -> loader.load(TinyModules.importing("env", "launch_missiles")))
        .isInstanceOf(ModuleRefusedException.class)
        .hasMessageContaining("env.launch_missiles");
  }

  @Test
  void unknownWasiFunctionIsRefusedByName() {
    assertThatThrownBy(() -> loader.load(TinyModules.importing(WasiImports.MODULE, "sock_open")))
        .isInstanceOf(ModuleRefusedException.class)
        .hasMessageContaining("wasi_snapshot_preview1.sock_open");
  }

  @Test
  void moduleLargerThanThePolicyAllowsIsRefused() {
    ModuleLoader strict =
        new ModuleLoader(
            ModulePolicy.DEFAULTS.withMaxModuleBytes(1024), CompilationMode.COMPILED, registry);

    assertThatThrownBy(() -> strict.load(Guests.bytes("greeter")))
        .isInstanceOf(ModuleRefusedException.class)
        .hasMessageContaining("above the cap of 1024 bytes");
  }

  @Test
  void loadedModuleIsKeyedByTheDigestOfTheOriginalBytes() {
    byte[] wasm = Guests.bytes("greeter");

    LoadedModule module = loader.load(wasm);

    assertThat(module.digest()).isEqualTo(ModuleDigest.of(wasm)).matches("sha256:[0-9a-f]{64}");
    assertThat(module.meteredBytes()).isGreaterThan(module.originalBytes());
    assertThat(module.compiled()).isTrue();
    assertThat(module.interpretedFunctions()).isZero();
  }

  @Test
  void functionTooLargeForTheJvmFallsBackToTheInterpreterQuietlyAndIsCounted() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    LoadedModule module;
    try {
      System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
      module = loader.load(TinyModules.hugeFunction(12_000));
    } finally {
      System.setErr(stderr);
    }

    assertThat(module.interpretedFunctions()).isEqualTo(1);
    assertThat(registry.get("runner.engine.compile.interpreter.fallbacks").counter().count())
        .isEqualTo(1);
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void rejectionsAreCounted() {
    assertThatThrownBy(() -> loader.load(Guests.bytes("not-wasm")));

    assertThat(registry.get("runner.engine.modules.rejected").counter().count()).isEqualTo(1);
  }
}
