package dev.serverlessrunner.operator.function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.InvalidModuleException;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.load.ModuleRejectedException;
import dev.serverlessrunner.operator.config.OperatorConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Loads a resolved module exactly as the runner pods of its pool will (the engine's {@link
 * ModuleLoader} with the runners' policy: parse, policy, fuel metering, compilation), so a function
 * becomes Ready only when its runners will serve it. A verdict is kept per digest and policy: a
 * module is loaded once, not on every reconcile.
 */
@Singleton
public class RunnerModuleCheck {

  /** Reason: the bytes are not a valid WebAssembly module. */
  public static final String NOT_WASM = "NotWasm";

  /** Reason: valid Wasm that the runners' policy refuses (SIMD, no _start, unknown imports…). */
  public static final String POLICY_REFUSED = "PolicyRefused";

  /** Verdicts remembered; one is a few hundred bytes at most. */
  private static final int VERDICTS = 4096;

  private final long maxModuleBytes;
  private final Map<ModulePolicy, ModuleLoader> loaders = new ConcurrentHashMap<>();
  private final Cache<Key, Optional<SourceResolution.Invalid>> verdicts =
      Caffeine.newBuilder().maximumSize(VERDICTS).build();

  @Inject
  public RunnerModuleCheck(OperatorConfig config) {
    this(config.sources().maxModuleBytes());
  }

  public RunnerModuleCheck(long maxModuleBytes) {
    this.maxModuleBytes = maxModuleBytes;
  }

  /**
   * The check as the runners of {@code pool} make it: a module may declare as much initial memory
   * as the largest a function of the pool may have (its ceiling, or the runners' default cap), as
   * {@code RunnerBeans} sets it up in every runner. Without a pool, the default ceilings.
   */
  public PoolCheck forPool(Optional<RunnerPool> pool) {
    long ceiling = pool.map(FunctionCeilings::of).orElse(FunctionCeilings.DEFAULTS).memoryBytes();
    return new PoolCheck(
        this,
        ModulePolicy.forRunner(Math.max(Limits.DEFAULTS.memoryBytes(), ceiling), maxModuleBytes));
  }

  /** The runners' check of one pool. */
  public record PoolCheck(RunnerModuleCheck owner, ModulePolicy policy) {

    /**
     * {@code resolved} when the runners will load its module; otherwise why they will not, as an
     * invalid source the user must fix.
     *
     * @param bytes the module bytes, asked for only when there is no verdict for {@code resolved}'s
     *     digest yet (for an OCI source it pulls the blob; its exceptions propagate and nothing is
     *     remembered)
     */
    public SourceResolution check(SourceResolution.Resolved resolved, Supplier<byte[]> bytes) {
      Optional<SourceResolution.Invalid> refusal =
          owner.verdicts.get(
              new Key(resolved.digest(), policy), key -> owner.load(policy, bytes.get()));
      return refusal.<SourceResolution>map(r -> r).orElse(resolved);
    }
  }

  private Optional<SourceResolution.Invalid> load(ModulePolicy policy, byte[] wasm) {
    // The loader's meters describe a runner's loads; the operator does not export them.
    ModuleLoader loader =
        loaders.computeIfAbsent(
            policy, p -> new ModuleLoader(p, CompilationMode.COMPILED, new SimpleMeterRegistry()));
    try {
      loader.load(wasm);
      return Optional.empty();
    } catch (ModuleRejectedException e) {
      String reason = e instanceof InvalidModuleException ? NOT_WASM : POLICY_REFUSED;
      return Optional.of(
          new SourceResolution.Invalid(
              reason, "runners refuse this module: " + String.join("; ", e.reasons())));
    }
  }

  private record Key(String digest, ModulePolicy policy) {}
}
