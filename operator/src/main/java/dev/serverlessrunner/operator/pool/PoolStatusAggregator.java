package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.CrdGroup;
import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.AuthMode;
import dev.serverlessrunner.crd.pool.Persistence;
import dev.serverlessrunner.crd.pool.PoolAuth;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.RunnerPoolStatus;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

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

  /** Reason: the pool names no shard, so its runner pods refuse to start. */
  public static final String NO_SHARDS = "NoShardsConfigured";

  /** Message of {@link #NO_SHARDS}: what to do. */
  public static final String NO_SHARDS_MESSAGE =
      "spec.persistence.shards is empty: runner pods refuse to start without PostgreSQL shards"
          + " outside the pod. List Secrets whose key 'url' holds a postgresql:// URI in"
          + " spec.persistence.shards (deploy/README.md, Storage)";

  /** Reasons of a Ready=False that the pool's author must fix; each yields one Warning event. */
  private static final List<String> USER_ERRORS =
      List.of(RunnerImages.IMAGE_NOT_ALLOWED, NO_SHARDS);

  /** Condition type: some ready runner cannot reach some shard (it keeps serving). */
  public static final String CONDITION_DEGRADED = "Degraded";

  /** Reason: ready runners report unreachable shards on their pods. */
  public static final String SHARDS_UNAVAILABLE = RunnerContract.REASON_SHARDS_UNAVAILABLE;

  /** Reason: every ready runner reaches every shard. */
  public static final String ALL_SHARDS_AVAILABLE = "AllShardsAvailable";

  /** Condition type: whether the runners authenticate invocations (spec.auth.mode). */
  public static final String CONDITION_AUTHENTICATION = "AuthenticationEnabled";

  /** Reason of AuthenticationEnabled=False: spec.auth.mode is none. */
  public static final String NO_AUTHENTICATION = "NoAuthentication";

  /** Message of {@link #NO_AUTHENTICATION}: what it means and what to do. */
  public static final String NO_AUTHENTICATION_MESSAGE =
      "spec.auth.mode is none: anyone who can reach the runner Service invokes every function of"
          + " this pool and reads every execution record. Set spec.auth.mode to api-key or jwt"
          + " outside development (runner/README.md, Security)";

  private PoolStatusAggregator() {}

  /** The status of a pool whose image is allowed, with no runner pod known. */
  public static RunnerPoolStatus aggregate(
      RunnerPool pool, Optional<Deployment> deployment, int functionsReady, Instant now) {
    return aggregate(pool, deployment, functionsReady, Optional.empty(), List.of(), now);
  }

  /** The status of a pool with no runner pod known. */
  public static RunnerPoolStatus aggregate(
      RunnerPool pool,
      Optional<Deployment> deployment,
      int functionsReady,
      Optional<String> imageRefusal,
      Instant now) {
    return aggregate(pool, deployment, functionsReady, imageRefusal, List.of(), now);
  }

  /** The status of a pool whose image is allowed. */
  public static RunnerPoolStatus aggregate(
      RunnerPool pool,
      Optional<Deployment> deployment,
      int functionsReady,
      List<Pod> runnerPods,
      Instant now) {
    return aggregate(pool, deployment, functionsReady, Optional.empty(), runnerPods, now);
  }

  /** The status of a pool whose autoscaling is not reported. */
  public static RunnerPoolStatus aggregate(
      RunnerPool pool,
      Optional<Deployment> deployment,
      int functionsReady,
      Optional<String> imageRefusal,
      List<Pod> runnerPods,
      Instant now) {
    return aggregate(pool, deployment, functionsReady, imageRefusal, runnerPods, null, now);
  }

  /**
   * The status the pool should have now; equal to the current one when nothing changed. {@code
   * imageRefusal} is why the pool's image may not run ({@link RunnerImages#refusal}), if so; {@code
   * runnerPods} (their {@code ShardsAvailable} condition) make the Degraded condition; {@code
   * scaling} (nullable) makes the Autoscaling condition.
   */
  public static RunnerPoolStatus aggregate(
      RunnerPool pool,
      Optional<Deployment> deployment,
      int functionsReady,
      Optional<String> imageRefusal,
      List<Pod> runnerPods,
      ScalingPlan scaling,
      Instant now) {
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
    if (imageRefusal.isPresent()) {
      allReady = false;
      reason = RunnerImages.IMAGE_NOT_ALLOWED;
      message = imageRefusal.get();
    } else if (!hasShards(pool)) {
      allReady = false;
      reason = NO_SHARDS;
      message = NO_SHARDS_MESSAGE;
    } else if (deployment.isEmpty()) {
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
    status.setAuthMode(authMode(pool).wireName());
    status.setSelector(PoolNames.selector(pool));
    List<Condition> conditions =
        new ArrayList<>(
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
                    previous, CrdGroup.CONDITION_READY, allReady, reason, message, generation, now),
                degraded(previous, runnerPods, generation, now),
                authentication(previous, pool, generation, now)));
    if (scaling != null && scaling.condition() != null) {
      ScalingPlan.ScalingCondition c = scaling.condition();
      conditions.add(
          Conditions.of(
              previous,
              ScalingPlan.CONDITION,
              c.status(),
              c.reason(),
              c.message(),
              generation,
              now));
    }
    status.setConditions(conditions);
    return status;
  }

  /** The pool's spec.auth.mode, none when unset (as the runners read it). */
  static AuthMode authMode(RunnerPool pool) {
    PoolAuth auth = pool.getSpec().getAuth();
    return auth == null || auth.getMode() == null ? AuthMode.NONE : auth.getMode();
  }

  /** Stated loudly when False: a pool without authentication serves anyone who reaches it. */
  private static Condition authentication(
      List<Condition> previous, RunnerPool pool, Long generation, Instant now) {
    AuthMode mode = authMode(pool);
    String reason;
    String message;
    switch (mode) {
      case API_KEY -> {
        reason = "ApiKey";
        var secret = pool.getSpec().getAuth().getApiKeysSecretRef();
        message =
            "Invocations and record reads need an API key whose hash is in Secret "
                + (secret == null ? "(none named)" : secret.getName());
      }
      case JWT -> {
        reason = "Jwt";
        var jwt = pool.getSpec().getAuth().getJwt();
        message =
            "Invocations and record reads need a JWT issued by "
                + (jwt == null ? "(no issuer named)" : jwt.getIssuer());
      }
      default -> {
        reason = NO_AUTHENTICATION;
        message = NO_AUTHENTICATION_MESSAGE;
      }
    }
    return Conditions.of(
        previous,
        CONDITION_AUTHENTICATION,
        mode != AuthMode.NONE,
        reason,
        message,
        generation,
        now);
  }

  /**
   * The AuthenticationEnabled condition of {@code next} when it turned False (the pool was created
   * or changed without authentication): the moment for one Warning event, else empty.
   */
  public static Optional<Condition> newlyUnauthenticated(
      RunnerPoolStatus previous, RunnerPoolStatus next) {
    Optional<Condition> auth = Conditions.find(next.getConditions(), CONDITION_AUTHENTICATION);
    if (auth.isEmpty() || !NO_AUTHENTICATION.equals(auth.get().getReason())) {
      return Optional.empty();
    }
    boolean reportedBefore =
        previous != null
            && Conditions.find(previous.getConditions(), CONDITION_AUTHENTICATION)
                .map(c -> NO_AUTHENTICATION.equals(c.getReason()))
                .orElse(false);
    return reportedBefore ? Optional.empty() : auth;
  }

  /**
   * Degraded while a ready runner pod reports unreachable shards: the runners keep serving (shards
   * with room take the new records), so this is not a reason for Ready=False.
   */
  private static Condition degraded(
      List<Condition> previous, List<Pod> pods, Long generation, Instant now) {
    List<Pod> ready = pods.stream().filter(PoolStatusAggregator::podReady).toList();
    SortedSet<String> shards = new TreeSet<>();
    int reporting = 0;
    for (Pod pod : ready) {
      Optional<PodCondition> c =
          pod.getStatus().getConditions().stream()
              .filter(x -> RunnerContract.POD_CONDITION_SHARDS_AVAILABLE.equals(x.getType()))
              .findFirst();
      if (c.isPresent() && "False".equals(c.get().getStatus())) {
        reporting++;
        String message = c.get().getMessage() == null ? "" : c.get().getMessage();
        if (message.startsWith(RunnerContract.UNAVAILABLE_SHARDS_PREFIX)) {
          for (String shard :
              message.substring(RunnerContract.UNAVAILABLE_SHARDS_PREFIX.length()).split(", ")) {
            shards.add(shard.strip());
          }
        }
      }
    }
    boolean degraded = reporting > 0;
    return Conditions.of(
        previous,
        CONDITION_DEGRADED,
        degraded,
        degraded ? SHARDS_UNAVAILABLE : ALL_SHARDS_AVAILABLE,
        degraded
            ? reporting
                + " of "
                + ready.size()
                + " ready runner pods cannot reach shards "
                + String.join(", ", shards)
                + "; they keep serving and keep those records in their backlogs"
            : "Every ready runner pod reaches every shard",
        generation,
        now);
  }

  private static boolean podReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Whether the pool names at least one shard for its runners' records. */
  public static boolean hasShards(RunnerPool pool) {
    Persistence persistence = pool.getSpec().getPersistence();
    return persistence != null
        && persistence.getShards() != null
        && !persistence.getShards().isEmpty();
  }

  /**
   * The Ready condition of {@code next} when it reports a user error that {@code previous} did not
   * (the moment for one Warning event), else empty.
   */
  public static Optional<Condition> newUserError(RunnerPoolStatus previous, RunnerPoolStatus next) {
    Optional<Condition> ready = Conditions.find(next.getConditions(), CrdGroup.CONDITION_READY);
    if (ready.isEmpty() || !USER_ERRORS.contains(ready.get().getReason())) {
      return Optional.empty();
    }
    String reason = ready.get().getReason();
    boolean reportedBefore =
        previous != null
            && Conditions.find(previous.getConditions(), CrdGroup.CONDITION_READY)
                .map(c -> reason.equals(c.getReason()))
                .orElse(false);
    return reportedBefore ? Optional.empty() : ready;
  }

  private static int statusInt(Integer value) {
    return value == null ? 0 : value;
  }
}
