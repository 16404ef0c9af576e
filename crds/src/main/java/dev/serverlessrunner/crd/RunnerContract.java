package dev.serverlessrunner.crd;

import java.util.List;

/**
 * What the operator and the runner pods agree on, written once: the environment variables the
 * operator sets on runner pods (each the env form of a {@code runner.*} setting of the runner's
 * {@code RunnerConfig}, tested there), the key of a shard Secret, and the metric an in-flight
 * autoscaler targets. Limits and defaults the two share live in the engine ({@code ModulePolicy},
 * {@code Limits}), which both run.
 */
public final class RunnerContract {

  /** {@code runner.kubernetes.pool}: the RunnerPool whose functions the pod serves. */
  public static final String ENV_POOL = "RUNNER_KUBERNETES_POOL";

  /** {@code runner.kubernetes.namespace}: namespace of the pool and its functions. */
  public static final String ENV_NAMESPACE = "RUNNER_KUBERNETES_NAMESPACE";

  /** {@code runner.kubernetes.insecure-registries}: registries reached over plain HTTP. */
  public static final String ENV_INSECURE_REGISTRIES = "RUNNER_KUBERNETES_INSECURE_REGISTRIES";

  /** {@code runner.kubernetes.blob-cache-dir}: directory of the OCI blob cache. */
  public static final String ENV_BLOB_CACHE_DIR = "RUNNER_KUBERNETES_BLOB_CACHE_DIR";

  /** {@code runner.kubernetes.blob-cache-max-bytes}: bound of the OCI blob cache. */
  public static final String ENV_BLOB_CACHE_MAX_BYTES = "RUNNER_KUBERNETES_BLOB_CACHE_MAX_BYTES";

  /** {@code runner.execution.threads}: guest worker threads. */
  public static final String ENV_THREADS = "RUNNER_EXECUTION_THREADS";

  /** {@code runner.recording.shards}: comma-separated shard URIs, in routing order. */
  public static final String ENV_SHARDS = "RUNNER_RECORDING_SHARDS";

  /** {@code runner.recording.max-rows}: spec.persistence.batch.maxRows. */
  public static final String ENV_RECORDING_MAX_ROWS = "RUNNER_RECORDING_MAX_ROWS";

  /** {@code runner.recording.flush-interval}: spec.persistence.batch.flushInterval. */
  public static final String ENV_RECORDING_FLUSH_INTERVAL = "RUNNER_RECORDING_FLUSH_INTERVAL";

  /** {@code runner.recording.queue-capacity}: spec.persistence.batch.queueCapacity. */
  public static final String ENV_RECORDING_QUEUE_CAPACITY = "RUNNER_RECORDING_QUEUE_CAPACITY";

  // Not RUNNER_LIMITS_MAX_*: environment names lose the dots, so those would also set
  // runner.limits.max-stdout-bytes and max-request-bytes, the defaults of functions.

  /** {@code runner.limits.ceiling.memory-bytes}: spec.functionLimits.max.memory, in bytes. */
  public static final String ENV_LIMITS_CEILING_MEMORY_BYTES = "RUNNER_LIMITS_CEILING_MEMORY_BYTES";

  /** {@code runner.limits.ceiling.fuel}: spec.functionLimits.max.fuel. */
  public static final String ENV_LIMITS_CEILING_FUEL = "RUNNER_LIMITS_CEILING_FUEL";

  /** {@code runner.limits.ceiling.timeout}: spec.functionLimits.max.timeout, ISO-8601. */
  public static final String ENV_LIMITS_CEILING_TIMEOUT = "RUNNER_LIMITS_CEILING_TIMEOUT";

  /** {@code runner.limits.ceiling.stdout-bytes}: spec.functionLimits.max.maxStdoutBytes. */
  public static final String ENV_LIMITS_CEILING_STDOUT_BYTES = "RUNNER_LIMITS_CEILING_STDOUT_BYTES";

  /** {@code runner.limits.ceiling.request-bytes}: spec.functionLimits.max.maxRequestBytes. */
  public static final String ENV_LIMITS_CEILING_REQUEST_BYTES =
      "RUNNER_LIMITS_CEILING_REQUEST_BYTES";

  /** {@code runner.recording.spool.dir}: directory of the record spool (the pod's emptyDir). */
  public static final String ENV_SPOOL_DIR = "RUNNER_RECORDING_SPOOL_DIR";

  /** {@code runner.recording.spool.max-bytes}: bound of the record spool. */
  public static final String ENV_SPOOL_MAX_BYTES = "RUNNER_RECORDING_SPOOL_MAX_BYTES";

  /** {@code runner.auth.mode}: spec.auth.mode ({@code none}, {@code api-key}, {@code jwt}). */
  public static final String ENV_AUTH_MODE = "RUNNER_AUTH_MODE";

  /** {@code runner.auth.api-keys-dir}: where spec.auth.apiKeysSecretRef is mounted. */
  public static final String ENV_AUTH_API_KEYS_DIR = "RUNNER_AUTH_API_KEYS_DIR";

  /** {@code runner.auth.jwt.issuer}: spec.auth.jwt.issuer. */
  public static final String ENV_AUTH_JWT_ISSUER = "RUNNER_AUTH_JWT_ISSUER";

  /** {@code runner.auth.jwt.jwks-url}: spec.auth.jwt.jwksUrl. */
  public static final String ENV_AUTH_JWT_JWKS_URL = "RUNNER_AUTH_JWT_JWKS_URL";

  /** {@code runner.auth.jwt.audience}: spec.auth.jwt.audience, comma-separated. */
  public static final String ENV_AUTH_JWT_AUDIENCE = "RUNNER_AUTH_JWT_AUDIENCE";

  /** {@code runner.auth.jwt.roles-claim}: spec.auth.jwt.rolesClaim. */
  public static final String ENV_AUTH_JWT_ROLES_CLAIM = "RUNNER_AUTH_JWT_ROLES_CLAIM";

  /**
   * {@code runner.cgi.deny-headers}: spec.responseHeaders.deny, comma-separated, added to the
   * runner's default deny-list of CGI response headers.
   */
  public static final String ENV_CGI_DENY_HEADERS = "RUNNER_CGI_DENY_HEADERS";

  /** {@code runner.cgi.allow-headers}: spec.responseHeaders.allow, comma-separated. */
  public static final String ENV_CGI_ALLOW_HEADERS = "RUNNER_CGI_ALLOW_HEADERS";

  /**
   * {@code runner.recording.ssl-root-cert}: where spec.persistence.caCertificate is mounted; the
   * sslrootcert of every shard URI that names none.
   */
  public static final String ENV_RECORDING_SSL_ROOT_CERT = "RUNNER_RECORDING_SSL_ROOT_CERT";

  /** Every variable above: the runner's config mapping must read each of them. */
  public static final List<String> ENV =
      List.of(
          ENV_POOL,
          ENV_NAMESPACE,
          ENV_INSECURE_REGISTRIES,
          ENV_BLOB_CACHE_DIR,
          ENV_BLOB_CACHE_MAX_BYTES,
          ENV_THREADS,
          ENV_SHARDS,
          ENV_RECORDING_MAX_ROWS,
          ENV_RECORDING_FLUSH_INTERVAL,
          ENV_RECORDING_QUEUE_CAPACITY,
          ENV_LIMITS_CEILING_MEMORY_BYTES,
          ENV_LIMITS_CEILING_FUEL,
          ENV_LIMITS_CEILING_TIMEOUT,
          ENV_LIMITS_CEILING_STDOUT_BYTES,
          ENV_LIMITS_CEILING_REQUEST_BYTES,
          ENV_SPOOL_DIR,
          ENV_SPOOL_MAX_BYTES,
          ENV_AUTH_MODE,
          ENV_AUTH_API_KEYS_DIR,
          ENV_AUTH_JWT_ISSUER,
          ENV_AUTH_JWT_JWKS_URL,
          ENV_AUTH_JWT_AUDIENCE,
          ENV_AUTH_JWT_ROLES_CLAIM,
          ENV_CGI_DENY_HEADERS,
          ENV_CGI_ALLOW_HEADERS,
          ENV_RECORDING_SSL_ROOT_CERT);

  /** Key of a shard Secret (spec.persistence.shards[].secretRef) holding the connection URI. */
  public static final String SHARD_SECRET_KEY = "url";

  /**
   * The runner's gauge of invocations running or queued in one pod, as {@code /q/metrics} exports
   * it, and the Pods metric the operator's HPA targets for {@code spec.autoscaling.targetInFlight}.
   */
  public static final String IN_FLIGHT_METRIC = "runner_invocations_in_flight";

  /**
   * {@code runner.execution.drain-timeout}: on shutdown, how long running guests may take once new
   * requests are refused (Quarkus' wait for requests in flight follows it).
   */
  public static final String ENV_EXECUTION_DRAIN_TIMEOUT = "RUNNER_EXECUTION_DRAIN_TIMEOUT";

  /** {@code runner.recording.drain-timeout}: on shutdown, how long the backlogs may take. */
  public static final String ENV_RECORDING_DRAIN_TIMEOUT = "RUNNER_RECORDING_DRAIN_TIMEOUT";

  /**
   * {@code runner.shutdown.endpoint-removal-delay}: after SIGTERM, how long the runner keeps
   * serving while unready, so Kubernetes removes the pod from its Service before anything is
   * refused.
   */
  public static final String ENV_SHUTDOWN_DELAY = "RUNNER_SHUTDOWN_ENDPOINT_REMOVAL_DELAY";

  /**
   * {@code runner.kubernetes.pod-name}: the pod's own name (downward API), so the runner can report
   * {@link #POD_CONDITION_SHARDS_AVAILABLE} on it.
   */
  public static final String ENV_POD_NAME = "RUNNER_KUBERNETES_POD_NAME";

  /**
   * A condition each runner keeps on its own Pod: False (reason {@code ShardsUnavailable}, message
   * naming the shards) while it cannot reach some shard, True otherwise. The runner stays Ready
   * meanwhile; the operator aggregates these into the RunnerPool's {@code Degraded} condition.
   */
  public static final String POD_CONDITION_SHARDS_AVAILABLE =
      "serverlessrunner.dev/ShardsAvailable";

  /** Reason of {@link #POD_CONDITION_SHARDS_AVAILABLE} when False. */
  public static final String REASON_SHARDS_UNAVAILABLE = "ShardsUnavailable";

  /** Prefix of the message of {@link #POD_CONDITION_SHARDS_AVAILABLE} when False. */
  public static final String UNAVAILABLE_SHARDS_PREFIX = "unavailable shards: ";

  /** The shutdown settings above, which the operator sizes the pod's grace period from. */
  public static final List<String> SHUTDOWN_ENV =
      List.of(ENV_SHUTDOWN_DELAY, ENV_EXECUTION_DRAIN_TIMEOUT, ENV_RECORDING_DRAIN_TIMEOUT);

  /** {@link #IN_FLIGHT_METRIC} as a Micrometer name: the Prometheus registry turns dots into _. */
  public static String inFlightMeterName() {
    return IN_FLIGHT_METRIC.replace('_', '.');
  }

  private RunnerContract() {}
}
