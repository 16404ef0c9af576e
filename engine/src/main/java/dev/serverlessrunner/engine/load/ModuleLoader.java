package dev.serverlessrunner.engine.load;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.serverlessrunner.engine.cache.CompiledCodeStore;
import dev.serverlessrunner.engine.fuel.FuelMetering;
import dev.serverlessrunner.engine.fuel.FuelMeteringException;
import dev.serverlessrunner.engine.fuel.MeteredModule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns module bytes into a {@link LoadedModule}: parse, enforce the policy, inject fuel metering,
 * compile. Slow (milliseconds to a second): call it off the request path.
 */
public final class ModuleLoader {

  /** Chicory names a function's JVM method {@code func_<index>}. */
  private static final Pattern FUNCTION_METHOD = Pattern.compile("func_(\\d+)");

  private final ModulePolicy policy;
  private final PolicyValidator validator;
  private final CompilationMode mode;
  private final Optional<CompiledCodeStore> store;
  private final Counter fallbacks;
  private final Counter rejections;
  private final Timer loadTimer;

  public ModuleLoader(ModulePolicy policy, CompilationMode mode, MeterRegistry registry) {
    this(policy, mode, Optional.empty(), registry);
  }

  /** A loader that keeps compiled code in {@code store} and looks there before compiling. */
  public ModuleLoader(
      ModulePolicy policy,
      CompilationMode mode,
      Optional<CompiledCodeStore> store,
      MeterRegistry registry) {
    this.policy = policy;
    this.validator = new PolicyValidator(policy);
    this.mode = mode;
    this.store = store;
    this.fallbacks =
        Counter.builder("runner.engine.compile.interpreter.fallbacks")
            .description("Functions too large for a JVM method, run by the interpreter")
            .register(registry);
    this.rejections =
        Counter.builder("runner.engine.modules.rejected")
            .description("Modules refused at load (invalid or against policy)")
            .register(registry);
    this.loadTimer =
        Timer.builder("runner.engine.modules.load")
            .description("Time to validate, meter and compile a module")
            .register(registry);
  }

  public ModulePolicy policy() {
    return policy;
  }

  /**
   * Loads a module.
   *
   * @throws InvalidModuleException if the bytes are not valid Wasm
   * @throws ModuleRefusedException if the module breaks the policy or cannot be metered/compiled
   */
  public LoadedModule load(byte[] wasm) {
    String digest = ModuleDigest.of(wasm);
    try {
      return loadTimer.record(() -> loadVerified(digest, wasm));
    } catch (ModuleRejectedException e) {
      rejections.increment();
      throw e;
    }
  }

  private LoadedModule loadVerified(String digest, byte[] wasm) {
    long started = System.nanoTime();
    if (wasm.length > policy.maxModuleBytes()) {
      throw new ModuleRefusedException(
          digest,
          List.of(
              "is %d bytes, above the cap of %d bytes"
                  .formatted(wasm.length, policy.maxModuleBytes())));
    }
    WasmModule original = parse(digest, wasm);
    List<String> violations = validator.violations(original);
    if (!violations.isEmpty()) {
      throw new ModuleRefusedException(digest, violations);
    }
    MeteredModule metered = meter(digest, wasm);
    WasmModule module = parse(digest, metered.bytes());
    Set<Integer> interpreted = new HashSet<>();
    Function<Instance, Machine> factory =
        mode == CompilationMode.COMPILED ? compileOrReload(digest, module, interpreted) : null;
    fallbacks.increment(interpreted.size());
    MemoryLimits memory = module.memorySection().orElseThrow().getMemory(0).limits();
    OptionalInt declaredMax =
        memory.maximumPages() >= MemoryLimits.MAX_PAGES
            ? OptionalInt.empty()
            : OptionalInt.of(memory.maximumPages());
    OptionalInt start =
        module
            .startSection()
            .map(s -> OptionalInt.of((int) s.startIndex()))
            .orElse(OptionalInt.empty());
    return new LoadedModule(
        digest,
        wasm.length,
        metered.bytes().length,
        module,
        factory,
        start,
        declaredMax,
        memory.initialPages(),
        interpreted.size(),
        System.nanoTime() - started,
        wasiImports(module));
  }

  private static WasmModule parse(String digest, byte[] wasm) {
    try {
      return Parser.parse(wasm);
    } catch (ChicoryException e) {
      throw new InvalidModuleException(
          digest, "is not a valid WebAssembly module: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // The parser meets arbitrary bytes; any other failure inside it means malformed input too.
      throw new InvalidModuleException(
          digest,
          "is not a valid WebAssembly module: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static Set<String> wasiImports(WasmModule module) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < module.importSection().importCount(); i++) {
      names.add(module.importSection().getImport(i).name());
    }
    return names;
  }

  private static MeteredModule meter(String digest, byte[] wasm) {
    try {
      return FuelMetering.instrument(wasm);
    } catch (FuelMeteringException e) {
      throw new ModuleRefusedException(digest, "cannot be fuel-metered: " + e.getMessage(), e);
    }
  }

  /**
   * Defines the module's classes from the store when it holds them, else compiles (and stores the
   * result). Classes from the store that cannot be loaded are discarded and the module compiled: a
   * bad entry costs a compile, never a request.
   */
  private Function<Instance, Machine> compileOrReload(
      String digest, WasmModule module, Set<Integer> interpreted) {
    if (store.isEmpty() || module.digest() == null) {
      return compile(digest, module, interpreted, null);
    }
    StoreHook hook = new StoreHook(store.get(), interpreted, true);
    try {
      return compile(digest, module, interpreted, hook);
    } catch (RuntimeException | LinkageError e) {
      if (!hook.hit) {
        throw e;
      }
      store.get().discard(module.digest(), "not loadable (" + e + ")");
      interpreted.clear();
      return compile(digest, module, interpreted, new StoreHook(store.get(), interpreted, false));
    }
  }

  /**
   * Chicory's compile cache, backed by the store: what it reads also tells which functions the
   * stored classes left to the interpreter; what it writes records them.
   */
  private static final class StoreHook implements Cache {
    private final CompiledCodeStore store;
    private final Set<Integer> interpreted;
    private boolean read;
    private boolean hit;

    StoreHook(CompiledCodeStore store, Set<Integer> interpreted, boolean read) {
      this.store = store;
      this.interpreted = interpreted;
      this.read = read;
    }

    @Override
    public byte[] get(String key) {
      if (!read) {
        return null;
      }
      // One look per load: the retries of a compile that fell back to the interpreter would only
      // miss again.
      read = false;
      Optional<CompiledCodeStore.Entry> entry = store.read(key);
      if (entry.isEmpty()) {
        return null;
      }
      hit = true;
      interpreted.clear();
      interpreted.addAll(entry.get().interpretedFunctions());
      return entry.get().classes();
    }

    @Override
    public void putIfAbsent(String key, byte[] classes) {
      store.write(key, new CompiledCodeStore.Entry(interpreted, classes));
    }
  }

  /**
   * Compiles with interpreter fallback for functions whose JVM method would pass 64 KiB. Chicory's
   * own fallback either prints to System.err or stays silent without telling which functions fell
   * back, so compile with FAIL, collect each too-large function and retry: exact, counted, quiet.
   */
  private static Function<Instance, Machine> compile(
      String digest, WasmModule module, Set<Integer> interpreted, Cache cache) {
    int functions = module.codeSection().functionBodyCount();
    while (true) {
      try {
        var builder =
            MachineFactoryCompiler.builder(module)
                .withInterpreterFallback(InterpreterFallback.FAIL);
        if (!interpreted.isEmpty()) {
          builder.withInterpretedFunctions(Set.copyOf(interpreted));
        }
        if (cache != null) {
          builder.withCache(cache);
        }
        return builder.compile();
      } catch (ChicoryException e) {
        OptionalInt tooLarge = tooLargeFunction(e);
        if (tooLarge.isEmpty()
            || !interpreted.add(tooLarge.getAsInt())
            || interpreted.size() > functions) {
          throw new ModuleRefusedException(digest, "cannot be compiled: " + e.getMessage(), e);
        }
      }
    }
  }

  private static OptionalInt tooLargeFunction(ChicoryException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getSimpleName().equals("MethodTooLargeException")) {
        Matcher matcher = FUNCTION_METHOD.matcher(String.valueOf(t.getMessage()));
        if (matcher.find()) {
          return OptionalInt.of(Integer.parseInt(matcher.group(1)));
        }
      }
    }
    return OptionalInt.empty();
  }
}
