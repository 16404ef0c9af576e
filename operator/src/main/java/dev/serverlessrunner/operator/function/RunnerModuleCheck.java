package dev.serverlessrunner.operator.function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loads a resolved module exactly as a runner pod will (the engine's {@link ModuleLoader}, with the
 * runners' default limits and module cap: parse, policy, fuel metering, compilation), so a function
 * becomes Ready only when its runners will serve it. A verdict is kept per digest: a module is
 * loaded once, not on every reconcile.
 */
@Singleton
public class RunnerModuleCheck {

  /** Reason: the bytes are not a valid WebAssembly module. */
  public static final String NOT_WASM = "NotWasm";

  /** Reason: valid Wasm that the runners' policy refuses (SIMD, no _start, unknown imports…). */
  public static final String POLICY_REFUSED = "PolicyRefused";

  /** Digests whose verdict is remembered; a verdict is a few hundred bytes at most. */
  private static final int VERDICTS = 4096;

  private final ModuleLoader loader;
  private final Cache<String, Optional<SourceResolution.Invalid>> verdicts =
      Caffeine.newBuilder().maximumSize(VERDICTS).build();

  @Inject
  public RunnerModuleCheck(OperatorConfig config) {
    this(ModulePolicy.forRunner(Limits.DEFAULTS, config.sources().maxModuleBytes()));
  }

  public RunnerModuleCheck(ModulePolicy policy) {
    // The loader's meters describe a runner's loads; the operator does not export them.
    this.loader = new ModuleLoader(policy, CompilationMode.COMPILED, new SimpleMeterRegistry());
  }

  /**
   * {@code resolved} when a runner will load its module; otherwise why it will not, as an invalid
   * source the user must fix.
   *
   * @param bytes the module bytes, asked for only when {@code resolved}'s digest has no verdict yet
   *     (for an OCI source it pulls the blob; its exceptions propagate and nothing is remembered)
   */
  public SourceResolution check(SourceResolution.Resolved resolved, Supplier<byte[]> bytes) {
    Optional<SourceResolution.Invalid> refusal =
        verdicts.get(resolved.digest(), digest -> load(bytes.get()));
    return refusal.<SourceResolution>map(r -> r).orElse(resolved);
  }

  private Optional<SourceResolution.Invalid> load(byte[] wasm) {
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
}
