package dev.serverlessrunner.operator.function;

import dev.serverlessrunner.crd.CrdGroup;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Computes a function's whole status from its source resolution and its pool; pure. */
public final class FunctionStatusAggregator {
  /** Reason of SourceResolved=True. */
  public static final String RESOLVED = "Resolved";

  /** Reason of Ready=False while the source is not resolved. */
  public static final String SOURCE_NOT_RESOLVED = "SourceNotResolved";

  /** Reason of Ready=False when spec.pool names no existing RunnerPool. */
  public static final String POOL_NOT_FOUND = "PoolNotFound";

  /** Reason of Ready=False when the function's limits pass its pool's spec.functionLimits.max. */
  public static final String LIMITS_EXCEED_POOL = "LimitsExceedPool";

  /** Reason of Ready=True. */
  public static final String READY = "Ready";

  private FunctionStatusAggregator() {}

  /**
   * The status the function should have now. On a failed resolution the last good digest stays, as
   * runners keep serving that version.
   */
  public static WasmFunctionStatus aggregate(
      WasmFunction fn, SourceResolution resolution, Optional<RunnerPool> pool, Instant now) {
    return aggregate(fn, resolution, pool, List.of(), now);
  }

  /**
   * As {@link #aggregate(WasmFunction, SourceResolution, Optional, Instant)}, with the limits of
   * the function that pass its pool's ceilings ({@code FunctionCeilings.exceededBy}); any makes the
   * function not Ready, as its runners refuse to serve it.
   */
  public static WasmFunctionStatus aggregate(
      WasmFunction fn,
      SourceResolution resolution,
      Optional<RunnerPool> pool,
      List<String> limitsOverPool,
      Instant now) {
    WasmFunctionStatus previous = fn.getStatus();
    List<Condition> before = previous == null ? null : previous.getConditions();
    Long generation = fn.getMetadata().getGeneration();
    String poolName = fn.getSpec().getPool();

    WasmFunctionStatus status = new WasmFunctionStatus();
    status.setObservedGeneration(generation);
    Condition sourceResolved;
    boolean resolved = resolution instanceof SourceResolution.Resolved;
    switch (resolution) {
      case SourceResolution.Resolved r -> {
        status.setDigest(r.digest());
        status.setSizeBytes(r.sizeBytes());
        sourceResolved =
            Conditions.of(
                before,
                CrdGroup.CONDITION_SOURCE_RESOLVED,
                true,
                RESOLVED,
                r.digest() + " from " + r.origin(),
                generation,
                now);
      }
      case SourceResolution.Invalid i -> {
        keepLastGood(previous, status);
        sourceResolved =
            Conditions.of(
                before,
                CrdGroup.CONDITION_SOURCE_RESOLVED,
                false,
                i.reason(),
                i.message(),
                generation,
                now);
      }
      case SourceResolution.Unavailable u -> {
        keepLastGood(previous, status);
        sourceResolved =
            Conditions.of(
                before,
                CrdGroup.CONDITION_SOURCE_RESOLVED,
                false,
                u.reason(),
                u.message(),
                generation,
                now);
      }
    }

    Condition ready;
    if (!resolved) {
      // A module the runners refuse is worth its own Ready reason: fixing the source will not do,
      // the module itself must change.
      boolean refused = RunnerModuleCheck.POLICY_REFUSED.equals(sourceResolved.getReason());
      ready =
          Conditions.of(
              before,
              CrdGroup.CONDITION_READY,
              false,
              refused ? RunnerModuleCheck.POLICY_REFUSED : SOURCE_NOT_RESOLVED,
              (refused ? "" : "The module source is not resolved: ") + sourceResolved.getMessage(),
              generation,
              now);
    } else if (pool.isEmpty()) {
      ready =
          Conditions.of(
              before,
              CrdGroup.CONDITION_READY,
              false,
              POOL_NOT_FOUND,
              "RunnerPool "
                  + fn.getMetadata().getNamespace()
                  + "/"
                  + poolName
                  + " does not exist; create it or fix spec.pool",
              generation,
              now);
    } else if (!limitsOverPool.isEmpty()) {
      ready =
          Conditions.of(
              before,
              CrdGroup.CONDITION_READY,
              false,
              LIMITS_EXCEED_POOL,
              limitsMessage(poolName, limitsOverPool),
              generation,
              now);
    } else {
      ready =
          Conditions.of(
              before,
              CrdGroup.CONDITION_READY,
              true,
              READY,
              "Served by RunnerPool " + poolName,
              generation,
              now);
    }
    status.setReadyReplicas(
        pool.map(RunnerPool::getStatus)
            .map(s -> s.getReadyReplicas() == null ? 0 : s.getReadyReplicas())
            .orElse(0));
    status.setConditions(List.of(sourceResolved, ready));
    return status;
  }

  /** The Ready message naming every limit over the ceiling and the two ways out. */
  public static String limitsMessage(String poolName, List<String> limitsOverPool) {
    return "spec.limits exceed RunnerPool "
        + poolName
        + "'s spec.functionLimits.max: "
        + String.join(", ", limitsOverPool)
        + "; its runners refuse to serve it. Lower the function's limits or raise the pool's"
        + " ceilings (and its memory: deploy/README.md, Limits)";
  }

  private static void keepLastGood(WasmFunctionStatus previous, WasmFunctionStatus status) {
    if (previous != null) {
      status.setDigest(previous.getDigest());
      status.setSizeBytes(previous.getSizeBytes());
    }
  }
}
