package dev.serverlessrunner.runner.config;

import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.pool.PoolOptions;
import dev.serverlessrunner.runner.recording.RecorderConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Every setting of the runner, under the prefix {@code runner}. Each can be set in
 * application.properties, as a system property ({@code -Drunner.functions.dir=...}) or as an
 * environment variable ({@code RUNNER_FUNCTIONS_DIR}). runner/README.md documents them all.
 */
@ConfigMapping(prefix = "runner")
public interface RunnerConfig {

  /** Where functions come from. */
  Functions functions();

  /** The execution pool. */
  Execution execution();

  /** What the runner does on SIGTERM before it refuses requests. */
  Shutdown shutdown();

  /** Start-up: the training run of the JVM's ahead-of-time cache. */
  Startup startup();

  /** Start-up (runner/README.md, Start-up). */
  interface Startup {
    /**
     * The training run of the image's JVM AOT cache (runner/src/main/docker/aot-training.sh): once
     * started, the runner invokes each function it serves a few times over its own HTTP port, reads
     * its health and metrics, and exits. Never set in production.
     */
    @WithDefault("false")
    boolean aotTraining();
  }

  /** Default limits of every function; a function's own settings override them. */
  Limits limits();

  /** Where execution records go. */
  Recording recording();

  /** The invocation port's defences against slow, stalled and oversized clients. */
  Http http();

  /**
   * Request reading on the invocation port. Quarkus' own {@code quarkus.http.idle-timeout}, {@code
   * quarkus.http.limits.max-connections}, {@code max-initial-line-length} and {@code
   * max-header-size} complete it (application.properties, runner/README.md).
   */
  interface Http {
    /**
     * Longest time from a connection's first byte of a request (or from the connection opening) to
     * the end of that request's headers; beyond it the client gets 408 and the connection closes.
     */
    @WithDefault("10s")
    Duration headerTimeout();

    /**
     * Longest time to receive a whole request body once the request was admitted; beyond it the
     * client gets 408 and the connection closes, and its admission (execution slot, record slot,
     * body bytes) is released.
     */
    @WithDefault("30s")
    Duration bodyTimeout();

    /**
     * Request-body bytes this runner holds at once, over every connection (declared lengths are
     * reserved before reading); a request that does not fit gets 503 with Retry-After before its
     * body is read. Default: an eighth of the maximum heap.
     */
    OptionalLong bodyBudgetBytes();
  }

  /** The response headers of {@code cgi} functions (runner/README.md, "CGI response headers"). */
  Cgi cgi();

  /**
   * Which CGI response headers reach clients. Framing and hop-by-hop headers never do; these lists
   * decide the rest. The operator sets them from the RunnerPool's spec.responseHeaders.
   */
  interface Cgi {
    /**
     * Header names dropped in addition to the default deny-list (CgiHeaderPolicy.DEFAULT_DENIED);
     * case-insensitive, a trailing {@code *} matches a prefix.
     */
    Optional<List<String>> denyHeaders();

    /** Header names exempt from the deny-list ({@code *}: every name). */
    Optional<List<String>> allowHeaders();
  }

  /** Endpoints that exist only for benchmarks (bench/README.md); off in production. */
  Benchmark benchmark();

  /** Benchmark-only endpoints. */
  interface Benchmark {
    /**
     * Adds {@code GET /bench/ping} (the HTTP ceiling of this process) and {@code
     * /bench/naive/{name}} (compile per request, answer after the record is committed: the naive
     * baseline).
     */
    @WithDefault("false")
    boolean enabled();
  }

  /** Runner pods: the functions of one RunnerPool, from the Kubernetes API. */
  Kubernetes kubernetes();

  /** Who may invoke functions and read records (runner/README.md, "Security"). */
  Auth auth();

  /** Invocation authentication; the operator sets these from the RunnerPool's spec.auth. */
  interface Auth {
    /**
     * {@code none} (development: everybody may do everything, warned about at start), {@code
     * api-key} or {@code jwt}.
     */
    @WithDefault("none")
    dev.serverlessrunner.runner.security.AuthMode mode();

    /**
     * API keys: a directory (a mounted Secret) with one file per key id holding the key's SHA-256
     * in hex, then the scopes it grants.
     */
    Optional<Path> apiKeysDir();

    /** How often the API keys directory is re-read (a rotated Secret needs no restart). */
    @WithDefault("10s")
    Duration apiKeysReloadInterval();

    /** A caller holding this scope may read every execution record. */
    @WithDefault("runner:admin")
    String adminScope();

    /** JWT verification. */
    Jwt jwt();
  }

  /** Bearer JWTs, verified by SmallRye JWT. */
  interface Jwt {
    /** The {@code iss} every token must carry. */
    Optional<String> issuer();

    /** Where the issuer publishes its signing keys (a JWKS document). */
    Optional<String> jwksUrl();

    /** Accepted {@code aud} values; unset: any audience. */
    Optional<List<String>> audience();

    /** Claim holding the caller's roles. */
    @WithDefault("groups")
    String rolesClaim();
  }

  /** Function sources. */
  interface Functions {
    /**
     * Directory served in standalone mode: every {@code <name>.wasm}, settings in {@code
     * <name>.yaml}.
     */
    @WithDefault("guests/wasm")
    Path dir();

    /** How often the directory is rescanned for added, changed and removed modules. */
    @WithDefault("1s")
    Duration scanInterval();

    /** Largest module accepted from any source, in bytes. */
    @WithDefault("" + ModulePolicy.DEFAULT_MAX_MODULE_BYTES)
    long maxModuleBytes();

    /**
     * Modules loaded (validated, metered, compiled) at once when a source reports several together,
     * as the preload at start does; default: the number of cores.
     */
    OptionalInt preloadParallelism();

    /** Compiled modules kept on disk, so a restarted runner does not compile them again. */
    ModuleCache moduleCache();
  }

  /**
   * The compiled-module cache on disk ({@code runner.functions.module-cache.*}): entries keyed by
   * module digest, Chicory version and fuel-metering version; a corrupt entry is recompiled.
   */
  interface ModuleCache {
    /** Whether compiled modules are kept on disk and reused at the next start. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Where; default: {@code module-cache} inside {@code runner.recording.spool.dir} (in a runner
     * pod, the pod's emptyDir, which outlives container restarts). Loading an entry runs its code:
     * only the runner may write here.
     */
    Optional<Path> dir();

    /** Bytes of entries kept at most; the least recently used go first. */
    @WithDefault("134217728")
    long maxBytes();
  }

  /**
   * The Kubernetes function source. The operator sets {@code RUNNER_KUBERNETES_POOL} and {@code
   * RUNNER_KUBERNETES_NAMESPACE} on runner pods; without a pool the runner serves {@code
   * runner.functions.dir}.
   */
  interface Kubernetes {
    /** The RunnerPool whose WasmFunctions this runner serves; set, it selects this source. */
    Optional<String> pool();

    /** Namespace of the pool and its functions; default: the Kubernetes client's namespace. */
    Optional<String> namespace();

    /**
     * This runner's own Pod (downward API); set, the runner keeps the condition {@code
     * serverlessrunner.dev/ShardsAvailable} on it for the operator's pool status.
     */
    Optional<String> podName();

    /** How long startup waits for the pool's functions before the runner reports ready anyway. */
    @WithDefault("60s")
    Duration preloadTimeout();

    /** First delay before a module that could not be fetched (API or registry down) is retried. */
    @WithDefault("1s")
    Duration retryMin();

    /** Longest delay between such retries. */
    @WithDefault("60s")
    Duration retryMax();

    /**
     * Where modules pulled from OCI registries are kept, by digest, so a restart does not download
     * them again (mount an emptyDir here to keep them across container restarts).
     */
    @WithDefault("${java.io.tmpdir}/serverless-runner/blobs")
    Path blobCacheDir();

    /** Bytes the blob cache may hold; least recently used modules are evicted beyond it. */
    @WithDefault("1073741824")
    long blobCacheMaxBytes();

    /** Bound on opening a connection to a registry. */
    @WithDefault("5s")
    Duration registryConnectTimeout();

    /** Bound on one registry request, so a slow registry never holds a module load forever. */
    @WithDefault("30s")
    Duration registryRequestTimeout();

    /**
     * Registries (host or host:port) spoken to over plain HTTP instead of HTTPS, besides loopback
     * ones; the same list as the operator's {@code operator.sources.insecure-registries}.
     */
    Optional<List<String>> insecureRegistries();
  }

  /** Guest execution. */
  /** Shutdown: see runner/README.md, Health and shutdown. */
  interface Shutdown {
    /**
     * After SIGTERM, how long the runner keeps serving while unready, so that Kubernetes removes it
     * from its Service endpoints and proxies stop sending it connections before anything is
     * refused.
     */
    @WithDefault("5s")
    Duration endpointRemovalDelay();
  }

  interface Execution {
    /** Worker threads running guests; default: the number of cores. */
    OptionalInt threads();

    /** Requests that may wait for a worker; beyond that, 503 at once. */
    @WithDefault("" + PoolOptions.DEFAULT_QUEUE_CAPACITY)
    int queueCapacity();

    /** Stack size of each worker thread, in bytes (deep guest recursion needs a deep stack). */
    @WithDefault("" + PoolOptions.DEFAULT_STACK_SIZE_BYTES)
    long threadStackBytes();

    /** How long shutdown waits for running guests to finish. */
    @WithDefault("30s")
    Duration drainTimeout();
  }

  /** Per-function limits (defaults). */
  interface Limits {
    /** Linear memory cap in bytes (64 MiB). */
    @WithDefault("" + dev.serverlessrunner.engine.Limits.DEFAULT_MEMORY_BYTES)
    long memoryBytes();

    /** Fuel budget: Wasm instructions a run may execute. */
    @WithDefault("" + dev.serverlessrunner.engine.Limits.DEFAULT_FUEL)
    long fuel();

    /** Wall-clock limit of one run. */
    @WithDefault(dev.serverlessrunner.engine.Limits.DEFAULT_TIMEOUT_SECONDS + "s")
    Duration timeout();

    /** Stdout kept per run; past it the guest's writes fail and the response says truncated. */
    @WithDefault("" + dev.serverlessrunner.engine.Limits.DEFAULT_MAX_STDOUT_BYTES)
    int maxStdoutBytes();

    /** Stderr kept per run. */
    @WithDefault("" + dev.serverlessrunner.engine.Limits.DEFAULT_MAX_STDERR_BYTES)
    int maxStderrBytes();

    /** Largest request body accepted; larger gets 413. */
    @WithDefault("1048576")
    long maxRequestBytes();

    /**
     * The most any function may ask for: a function whose limits pass these is not served. Runner
     * pods get them from their pool's {@code spec.functionLimits.max}; the heap check sizes the
     * runner for them.
     */
    Ceiling ceiling();
  }

  /** Ceilings of every function's limits (the defaults are those of a RunnerPool). */
  interface Ceiling {
    /** Largest linear memory, in bytes (128 MiB). */
    @WithDefault("134217728")
    long memoryBytes();

    /** Largest fuel budget. */
    @WithDefault("10000000000")
    long fuel();

    /** Longest wall-clock timeout. */
    @WithDefault("60s")
    Duration timeout();

    /** Largest stdout cap, in bytes (4 MiB). */
    @WithDefault("4194304")
    long stdoutBytes();

    /** Largest request body limit, in bytes (1 MiB). */
    @WithDefault("1048576")
    long requestBytes();
  }

  /** Execution records in sharded PostgreSQL. */
  interface Recording {
    /**
     * Shard connection URIs ({@code postgresql://user:password@host:5432/db}), in shard order. The
     * order must be the same on every runner: a record's shard is computed from its id. When empty,
     * the runner starts an embedded PostgreSQL (standalone mode).
     */
    Optional<List<String>> shards();

    /**
     * A CA certificate file (PEM): the {@code sslrootcert} of every shard URI that names none, and
     * {@code sslmode=verify-full} for a URI without {@code sslmode}. Runner pods get it from their
     * pool's spec.persistence.caCertificate.
     */
    Optional<Path> sslRootCert();

    /** Rows per INSERT at most. */
    @WithDefault("" + RecorderConfig.DEFAULT_MAX_ROWS)
    int maxRows();

    /** A batch is written at the latest this long after its first record was queued. */
    @WithDefault(RecorderConfig.DEFAULT_FLUSH_INTERVAL_MILLIS + "ms")
    Duration flushInterval();

    /** Batches in flight per shard. */
    @WithDefault("" + RecorderConfig.DEFAULT_MAX_IN_FLIGHT)
    int maxInFlight();

    /** Records waiting per shard; when full, new invocations get 503 before they run. */
    @WithDefault("" + RecorderConfig.DEFAULT_QUEUE_CAPACITY)
    int queueCapacity();

    /** How long shutdown waits for every backlog to drain. */
    @WithDefault("30s")
    Duration drainTimeout();

    /** Where the embedded PostgreSQL keeps its data when no shard is configured. */
    @WithDefault("${user.home}/.serverless-runner/embedded-postgres")
    Path embeddedDataDir();

    /**
     * Whether a runner pod ({@code runner.kubernetes.pool} set) without shards may start the
     * embedded PostgreSQL. Off: inside a pod its records vanish with the pod and each pod sees only
     * its own, so a pool without shards refuses to start instead of losing records quietly.
     */
    @WithDefault("false")
    boolean allowEmbedded();

    /** The local spool that keeps answered records through a crash of the runner process. */
    Spool spool();
  }

  /**
   * Every async record is appended to a local file before its answer is sent and replayed at start,
   * so that SIGKILL or an out-of-memory exit loses no answered record (runner/README.md, Records).
   */
  interface Spool {
    /** Off: a record waits in memory only until its batch commits, and a crash loses it. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Root of the spool files; the operator mounts an emptyDir here, which survives container
     * restarts within the pod.
     */
    @WithDefault("${user.home}/.serverless-runner/spool")
    Path dir();

    /** A segment file is sealed and a new one begun past this size (bytes). */
    @WithDefault("16777216")
    long segmentBytes();

    /** Spooled bytes not yet committed and deleted beyond which new invocations get 503. */
    @WithDefault("1073741824")
    long maxBytes();

    /** fsync every group write: survives node loss too, at the cost of one fsync per group. */
    @WithDefault("false")
    boolean fsync();

    /**
     * At start, how long the runner waits for the records left in the spool to be committed before
     * it reports ready anyway (the rest is written in the background and stays spooled until then).
     */
    @WithDefault("30s")
    Duration replayTimeout();
  }
}
