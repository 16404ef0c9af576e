package dev.serverlessrunner.engine.sandbox;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.Value;
import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.engine.fuel.FuelMetering;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.PolicyValidator;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one invocation of a loaded module in a fresh sandbox on the calling thread: a new WASI
 * context and a new instance, stdin from the request, stdout/stderr captured with caps, only the
 * declared args and env, no preopened directories, a CSPRNG, memory capped, fuel set before any
 * guest code runs. Never throws for anything the guest does: every end is an {@link
 * ExecutionResult}.
 */
public final class Sandbox {

  private static final Set<String> REPLACED =
      Set.of("fd_read", "fd_pread", "fd_write", "poll_oneoff");
  private static final String STACK_EXHAUSTED = "call stack exhausted";
  private static final InputStream NO_INPUT = InputStream.nullInputStream();

  private final SecureRandom random = new SecureRandom();

  /** Runs the module's {@code _start} under the invocation's limits until {@code deadline}. */
  public ExecutionResult run(LoadedModule module, Invocation invocation, Deadline deadline) {
    Limits limits = invocation.limits();
    if (module.initialPages() > limits.memoryPages()) {
      return ExecutionResult.notRun(
          Outcome.REFUSED,
          "module starts with %d memory pages, above this function's limit of %d pages"
              .formatted(module.initialPages(), limits.memoryPages()),
          module.digest());
    }
    BoundedOutput stdout = new BoundedOutput(limits.maxStdoutBytes());
    BoundedOutput stderr = new BoundedOutput(limits.maxStderrBytes());
    long started = System.nanoTime();
    Run run = new Run(module, limits);
    GuestStdio stdio = new GuestStdio(invocation.stdin(), stdout, stderr);
    GuestPoll poll =
        new GuestPoll(
            started + limits.timeout().toNanos(), limits.timeout(), stdio::stdinRemaining);
    try (WasiPreview1 wasi = wasi(invocation, stdout, stderr, random)) {
      run.execute(imports(module.wasiImports(), wasi, stdio, poll, run.fuel));
    }
    long duration = System.nanoTime() - started;
    Ending ending = run.ending(deadline);
    ExecutionResult result =
        new ExecutionResult(
            ending.outcome(),
            ending.exitCode(),
            stdout.toByteArray(),
            stdout.truncated(),
            stderr.toByteArray(),
            stderr.truncated(),
            duration,
            run.fuelConsumed(),
            run.pages(),
            ending.message(),
            module.digest(),
            poll.sleptNanos());
    run.recycleMemory();
    return result;
  }

  /** The guest's WASI context: only the invocation's args and env, no files, capped output. */
  static WasiPreview1 wasi(
      Invocation invocation, BoundedOutput stdout, BoundedOutput stderr, SecureRandom random) {
    WasiOptions.Builder options =
        WasiOptions.builder()
            .withStdin(NO_INPUT, false)
            .withStdout(stdout, false)
            .withStderr(stderr, false)
            .withArguments(invocation.args())
            .withRandom(random)
            .withClock(Clock.systemUTC());
    for (Map.Entry<String, String> entry : invocation.env().entrySet()) {
      options.withEnvironment(entry.getKey(), entry.getValue());
    }
    return WasiPreview1.builder()
        .withOptions(options.build())
        .withLogger(SilentLogger.INSTANCE)
        .build();
  }

  /**
   * As below, with sleeps bounded by nothing but the caller: for tools that run without a deadline.
   */
  static ImportValues imports(Set<String> wanted, WasiPreview1 wasi, GuestStdio stdio) {
    Duration unbounded = Duration.ofNanos(Long.MAX_VALUE / 2);
    return imports(
        wanted,
        wasi,
        stdio,
        new GuestPoll(System.nanoTime() + unbounded.toNanos(), unbounded, stdio::stdinRemaining),
        null);
  }

  /**
   * Only the functions the module imports (Chicory matches imports against every function given,
   * and a C guest uses a handful of WASI's 46), plus the fuel counter of a metered module ({@code
   * fuel}, {@code null} for an unmetered one).
   */
  static ImportValues imports(
      Set<String> wanted,
      WasiPreview1 wasi,
      GuestStdio stdio,
      GuestPoll poll,
      GlobalInstance fuel) {
    List<ImportFunction> kept = new ArrayList<>(wanted.size());
    for (HostFunction function : wasi.toHostFunctions()) {
      if (wanted.contains(function.name()) && !REPLACED.contains(function.name())) {
        kept.add(function);
      }
    }
    for (HostFunction function : stdio.hostFunctions()) {
      if (wanted.contains(function.name())) {
        kept.add(function);
      }
    }
    if (wanted.contains("poll_oneoff")) {
      kept.add(poll.hostFunction());
    }
    ImportValues.Builder imports = ImportValues.builder().withFunctions(kept);
    if (fuel != null) {
      imports.addGlobal(new ImportGlobal(FuelMetering.FUEL_MODULE, FuelMetering.FUEL_NAME, fuel));
    }
    return imports.build();
  }

  /** How a run ended, before it is turned into a result. */
  private record Ending(Outcome outcome, int exitCode, String message) {}

  /** One instance's life: build, set fuel, run, and what was left behind. */
  private static final class Run {
    private final LoadedModule module;
    private final Limits limits;
    private final MemoryLimits memoryLimits;

    /** The metered module's fuel counter, holding the budget until the guest runs. */
    private final GlobalInstance fuel;

    private Instance instance;
    private int exitCode = -1;
    private Throwable failure;

    Run(LoadedModule module, Limits limits) {
      this.module = module;
      this.limits = limits;
      this.memoryLimits = new MemoryLimits(module.initialPages(), cap());
      this.fuel = new GlobalInstance(Value.i64(limits.fuel()), MutabilityType.Var);
    }

    /** Hands the memory to the next run on this thread; the instance must not run again. */
    void recycleMemory() {
      if (instance != null) {
        MemoryRecycler.current().recycle(instance.memory(), memoryLimits);
      }
    }

    void execute(ImportValues imports) {
      try {
        instance = instantiate(imports);
        if (module.startFunction().isPresent()) {
          instance.getMachine().call(module.startFunction().getAsInt(), new long[0]);
        }
        instance.export(PolicyValidator.START).apply();
        exitCode = 0;
      } catch (WasiExitException e) {
        exitCode = e.exitCode();
      } catch (ChicoryException | StackOverflowError e) {
        failure = e;
      } catch (OutOfMemoryError e) {
        // The policy and the validating WASI functions keep guests from making the host allocate
        // beyond their limits; should the heap still run out, this run's allocations become
        // garbage as soon as it returns, so the worker survives and reports it.
        failure = e;
      } catch (RuntimeException e) {
        // A failure inside the host (a WASI function, the runtime): reported, never swallowed.
        failure = e;
      }
    }

    private Instance instantiate(ImportValues imports) {
      Instance.Builder builder =
          Instance.builder(module.module())
              .withImportValues(imports)
              .withMemoryFactory(MemoryRecycler.current()::take)
              // Replaces the module's declared limits: clamped to its own maximum and the cap.
              .withMemoryLimits(memoryLimits)
              .withStart(false);
      if (module.compiled()) {
        builder.withMachineFactory(module.machineFactory());
      }
      return builder.build();
    }

    long fuelRemaining() {
      return fuel.getValue();
    }

    long fuelConsumed() {
      long remaining = fuelRemaining();
      return remaining < 0 ? limits.fuel() : limits.fuel() - remaining;
    }

    int pages() {
      return instance == null ? 0 : instance.memory().pages();
    }

    Ending ending(Deadline deadline) {
      if (failure == null && fuelRemaining() < 0) {
        // It finished between two fuel checks but ran more instructions than the budget allows.
        return new Ending(
            Outcome.FUEL_EXHAUSTED, -1, "fuel budget of " + limits.fuel() + " exhausted");
      }
      if (failure == null) {
        return exitCode == 0
            ? new Ending(Outcome.OK, 0, "")
            : new Ending(Outcome.EXIT, exitCode, "Wasm exited with code " + exitCode);
      }
      String detail = describe(failure);
      if (failure instanceof GuestPoll.SleepPastDeadlineException) {
        return new Ending(Outcome.TIMEOUT, -1, detail);
      }
      if (deadline.expired()) {
        return new Ending(
            Outcome.TIMEOUT, -1, "wall-clock timeout of " + limits.timeout() + " reached");
      }
      if (failure instanceof ChicoryInterruptedException) {
        // Interrupted without the deadline passing: the pool is shutting down.
        return new Ending(Outcome.HOST_ERROR, -1, "interrupted by the host: " + detail);
      }
      if (fuelRemaining() < 0) {
        return new Ending(
            Outcome.FUEL_EXHAUSTED, -1, "fuel budget of " + limits.fuel() + " exhausted");
      }
      if (failure instanceof StackOverflowError || STACK_EXHAUSTED.equals(failure.getMessage())) {
        return new Ending(Outcome.STACK_EXHAUSTED, -1, "call stack exhausted");
      }
      if (failure instanceof OutOfMemoryError) {
        return new Ending(Outcome.HOST_ERROR, -1, "host out of memory: " + detail);
      }
      if (!(failure instanceof ChicoryException)) {
        return new Ending(Outcome.HOST_ERROR, -1, "host failure: " + detail);
      }
      if (nearMemoryCap()) {
        return new Ending(
            Outcome.MEMORY_LIMIT,
            -1,
            "memory limit of %d pages reached (trap: %s)".formatted(cap(), detail));
      }
      return new Ending(Outcome.TRAP, -1, "trap: " + detail);
    }

    /** The documented heuristic of {@link Outcome#MEMORY_LIMIT}. */
    private boolean nearMemoryCap() {
      int pages = pages();
      int cap = cap();
      return instance != null
          && pages > module.initialPages()
          && pages >= cap - Math.max(1, cap / 16);
    }

    private int cap() {
      return Math.min(module.declaredMaxPages().orElse(limits.memoryPages()), limits.memoryPages());
    }

    private static String describe(Throwable failure) {
      String message = failure.getMessage();
      return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
  }
}
