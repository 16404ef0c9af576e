package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.CrdGroup;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.RunnerPoolStatus;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Computes a pool's whole status from its Deployment and its ready functions; pure. */
public final class PoolStatusAggregator {

  /** Reason: every wanted runner pod is ready. */
  public static final String ALL_READY = "AllReplicasReady";

  /** Reason: some wanted runner pods are not ready yet. */
  public static final String NOT_READY = "ReplicasNotReady";

  /** Reason: the pool is scaled to zero on purpose. */
  public static final String SCALED_TO_ZERO = "ScaledToZero";

  /** Reason: the runner Deployment does not exist (yet). */
  public static final String DEPLOYMENT_MISSING = "DeploymentMissing";

  private PoolStatusAggregator() {}

  /** The status the pool should have now; equal to the current one when nothing changed. */
  public static RunnerPoolStatus aggregate(
      RunnerPool pool, Optional<Deployment> deployment, int functionsReady, Instant now) {
    List<Condition> previous = pool.getStatus() == null ? null : pool.getStatus().getConditions();
    Long generation = pool.getMetadata().getGeneration();

    int replicas =
        deployment
            .map(d -> statusInt(d.getStatus() == null ? null : d.getStatus().getReplicas()))
            .orElse(0);
    int ready =
        deployment
            .map(d -> statusInt(d.getStatus() == null ? null : d.getStatus().getReadyReplicas()))
            .orElse(0);
    Integer wanted =
        deployment.map(d -> d.getSpec() == null ? null : d.getSpec().getReplicas()).orElse(null);

    String reason;
    String message;
    boolean allReady;
    if (deployment.isEmpty()) {
      allReady = false;
      reason = DEPLOYMENT_MISSING;
      message = "Runner Deployment " + PoolNames.childName(pool) + " does not exist yet";
    } else if (wanted != null && wanted == 0) {
      allReady = true;
      reason = SCALED_TO_ZERO;
      message = "The pool is scaled to zero runner pods";
    } else if (ready > 0 && ready >= (wanted == null ? replicas : wanted)) {
      allReady = true;
      reason = ALL_READY;
      message = ready + " of " + ready + " runner pods ready";
    } else {
      allReady = false;
      reason = NOT_READY;
      message = ready + " of " + (wanted == null ? replicas : wanted) + " runner pods ready";
    }

    RunnerPoolStatus status = new RunnerPoolStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(replicas);
    status.setReadyReplicas(ready);
    status.setFunctionsReady(functionsReady);
    status.setSelector(PoolNames.selector(pool));
    status.setConditions(
        List.of(
            Conditions.of(
                previous,
                CrdGroup.CONDITION_AVAILABLE,
                ready > 0,
                ready > 0 ? "MinimumReplicasAvailable" : "NoReplicaAvailable",
                ready > 0
                    ? "At least one runner pod serves requests"
                    : "No runner pod is ready to serve requests",
                generation,
                now),
            Conditions.of(
                previous, CrdGroup.CONDITION_READY, allReady, reason, message, generation, now)));
    return status;
  }

  private static int statusInt(Integer value) {
    return value == null ? 0 : value;
  }
}
