package dev.serverlessrunner.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.EngineOptions;
import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.fuel.FuelMetering;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.load.TinyModules;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiled modules kept on disk across restarts: a second process (here: a second loader on the
 * same directory) defines the classes instead of compiling; a corrupt entry is recompiled, never
 * served.
 */
@Timeout(120)
class CompiledCodeStoreTest {

  @TempDir Path root;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** A fresh loader on the store, as a restarted runner has. */
  private ModuleLoader restartedLoader() {
    return new ModuleLoader(
        ModulePolicy.DEFAULTS,
        CompilationMode.COMPILED,
        Optional.of(new CompiledCodeStore(root, 64L << 20, registry)),
        registry);
  }

  private String greet(LoadedModule module) throws Exception {
    try (Engine engine = new Engine(EngineOptions.defaults(), new SimpleMeterRegistry())) {
      ExecutionResult result =
          engine
              .submit(module, Invocation.of("Alice".getBytes(StandardCharsets.UTF_8)))
              .toCompletableFuture()
              .get();
      assertThat(result.outcome()).isEqualTo(Outcome.OK);
      return new String(result.stdout(), StandardCharsets.UTF_8);
    }
  }

  private double results(String result) {
    Counter counter = registry.find("runner.engine.modules.disk").tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  private List<Path> entries() throws Exception {
    try (Stream<Path> files = Files.list(root.resolve(storeDirectoryName()))) {
      return files.filter(p -> p.toString().endsWith(".classes")).toList();
    }
  }

  private static String storeDirectoryName() {
    return "chicory-" + CompiledCodeStore.CHICORY_VERSION + "-metering-" + FuelMetering.VERSION;
  }

  @Test
  void firstLoadCompilesAndKeepsTheClassesOnDisk() throws Exception {
    restartedLoader().load(Guests.bytes("greeter"));

    assertThat(results("miss")).isEqualTo(1);
    assertThat(results("written")).isEqualTo(1);
    assertThat(entries()).hasSize(1);
  }

  @Test
  void restartedLoaderDefinesTheStoredClassesAndTheModuleRuns() throws Exception {
    restartedLoader().load(Guests.bytes("greeter"));

    LoadedModule reloaded = restartedLoader().load(Guests.bytes("greeter"));

    assertThat(results("hit")).isEqualTo(1);
    assertThat(results("written")).isEqualTo(1);
    assertThat(reloaded.compiled()).isTrue();
    assertThat(greet(reloaded)).isEqualTo("Hello, Alice!");
  }

  @Test
  void entryCutShortIsDeletedRecompiledAndWrittenAgain() throws Exception {
    restartedLoader().load(Guests.bytes("greeter"));
    Path entry = entries().get(0);
    byte[] whole = Files.readAllBytes(entry);
    Files.write(entry, java.util.Arrays.copyOf(whole, whole.length / 2));

    LoadedModule reloaded = restartedLoader().load(Guests.bytes("greeter"));

    assertThat(results("corrupt")).isEqualTo(1);
    assertThat(results("hit")).isZero();
    assertThat(greet(reloaded)).isEqualTo("Hello, Alice!");
    assertThat(results("written")).isEqualTo(2);
    // Whole again (the jar's timestamps differ from the first compile's).
    assertThat(CompiledCodeStore.decode(Files.readAllBytes(entry))).isPresent();
  }

  @Test
  void entryWithAFlippedByteIsNeverServed() throws Exception {
    restartedLoader().load(Guests.bytes("greeter"));
    Path entry = entries().get(0);
    byte[] bytes = Files.readAllBytes(entry);
    bytes[bytes.length - 100] ^= 0x01;
    Files.write(entry, bytes);

    LoadedModule reloaded = restartedLoader().load(Guests.bytes("greeter"));

    assertThat(results("corrupt")).isEqualTo(1);
    assertThat(greet(reloaded)).isEqualTo("Hello, Alice!");
  }

  @Test
  void entryWhoseClassesCannotBeLoadedIsDiscardedAndTheModuleCompiled() throws Exception {
    restartedLoader().load(Guests.bytes("greeter"));
    Path entry = entries().get(0);
    // A whole entry (its checksum matches) whose content is not a compiled module.
    Files.write(
        entry,
        CompiledCodeStore.encode(
            new CompiledCodeStore.Entry(
                Set.of(), "not a jar of classes".getBytes(StandardCharsets.UTF_8))));

    LoadedModule reloaded = restartedLoader().load(Guests.bytes("greeter"));

    assertThat(results("corrupt")).isEqualTo(1);
    assertThat(greet(reloaded)).isEqualTo("Hello, Alice!");
    assertThat(restartedLoader().load(Guests.bytes("greeter")).compiled()).isTrue();
    assertThat(results("hit")).isEqualTo(2);
  }

  @Test
  void functionsLeftToTheInterpreterAreRememberedWithTheClasses() {
    PrintStream stderr = System.err;
    try {
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      restartedLoader().load(TinyModules.hugeFunction(12_000));

      LoadedModule reloaded = restartedLoader().load(TinyModules.hugeFunction(12_000));

      assertThat(results("hit")).isEqualTo(1);
      assertThat(reloaded.interpretedFunctions()).isEqualTo(1);
    } finally {
      System.setErr(stderr);
    }
  }

  @Test
  void entriesLiveUnderTheCompilerAndMeteringVersions() throws Exception {
    restartedLoader().load(Guests.bytes("greeter"));

    assertThat(CompiledCodeStore.CHICORY_VERSION).matches("[0-9]+\\.[0-9]+\\.[0-9]+.*");
    assertThat(root.resolve(storeDirectoryName())).isDirectory();
  }

  @Test
  void storeKeepsToItsBoundDroppingTheLeastRecentlyUsed() throws Exception {
    CompiledCodeStore probe = new CompiledCodeStore(root.resolve("probe"), 64L << 20, registry);
    new ModuleLoader(ModulePolicy.DEFAULTS, CompilationMode.COMPILED, Optional.of(probe), registry)
        .load(Guests.bytes("fib"));
    long one = probe.sizeBytes();
    CompiledCodeStore bounded = new CompiledCodeStore(root, one * 2 + one / 2, registry);
    ModuleLoader loader =
        new ModuleLoader(
            ModulePolicy.DEFAULTS, CompilationMode.COMPILED, Optional.of(bounded), registry);

    for (String guest : List.of("fib", "sha256-loop", "env-dump", "host-env")) {
      loader.load(Guests.bytes(guest));
    }

    assertThat(bounded.sizeBytes()).isLessThanOrEqualTo(one * 2 + one / 2);
    assertThat(entries()).hasSizeBetween(1, 3);
  }

  @Test
  void encodedEntryDecodesToItself() throws Exception {
    CompiledCodeStore.Entry entry =
        new CompiledCodeStore.Entry(Set.of(3, 1), new byte[] {1, 2, 3, 4});

    CompiledCodeStore.Entry decoded =
        CompiledCodeStore.decode(CompiledCodeStore.encode(entry)).orElseThrow();

    assertThat(decoded.interpretedFunctions()).containsExactlyInAnyOrder(1, 3);
    assertThat(decoded.classes()).containsExactly(1, 2, 3, 4);
  }
}
