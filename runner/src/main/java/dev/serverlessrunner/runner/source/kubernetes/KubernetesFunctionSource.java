package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.oci.BlobCache;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.runner.source.FunctionConfig;
import dev.serverlessrunner.runner.source.FunctionDefinition;
import dev.serverlessrunner.runner.source.FunctionNames;
import dev.serverlessrunner.runner.source.FunctionSource;
import dev.serverlessrunner.runner.work.Backoff;
import dev.serverlessrunner.runner.work.KeyedWorkQueue;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Runner pods: serves the WasmFunctions of one RunnerPool. Follows the operator's resolution: a
 * function is served once its {@code status.digest} is set, with bytes fetched from its ConfigMap
 * or OCI registry and verified against that digest, so a runner never serves bytes the operator did
 * not resolve. A new digest or spec is loaded in the background; a version that cannot be fetched
 * or verified is reported and the previous one keeps serving.
 *
 * <p>Informers only queue function names ({@link KeyedWorkQueue}); fetching, verifying and the
 * listener calls (which compile) run on the queue's thread, one function at a time, and a module
 * that could not be fetched is retried with {@link Backoff}.
 *
 * <p>Only WasmFunctions are listed and watched. ConfigMaps and pull Secrets are read by name when a
 * function needs them, so the pool's Role can name exactly those objects ({@code resourceNames}
 * cannot restrict a plain list or watch); a changed ConfigMap reaches the runner as the new digest
 * the operator resolves from it.
 */
public final class KubernetesFunctionSource implements FunctionSource {

  private static final Logger LOG = Logger.getLogger(KubernetesFunctionSource.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Optional<String> DONE = Optional.empty();

  private final KubernetesClient client;
  private final KubernetesSourceOptions options;
  private final ModuleFetcher configMapFetcher;
  private final ModuleFetcher ociFetcher;
  private final KeyedWorkQueue<String> queue;

  /** Functions present at start that are not loaded yet. */
  private final Set<String> preloading = ConcurrentHashMap.newKeySet();

  private final CompletableFuture<Void> preloaded = new CompletableFuture<>();

  // Confined to the queue's thread.
  private final Map<String, Version> served = new HashMap<>();
  private final Map<String, Version> unusable = new HashMap<>();
  // The function's resourceVersion when it was found unusable: any later change of the function,
  // its status included (the operator saw its ConfigMap come back), is worth one more attempt.
  private final Map<String, String> unusableSeenAt = new HashMap<>();
  private final Set<String> reported = new HashSet<>();

  private volatile SharedIndexInformer<WasmFunction> functions;
  private volatile Listener listener;
  private volatile boolean closed;

  /**
   * A source for {@code options.pool()}; OCI modules are pulled with {@code registry}, whose disk
   * {@code blobCache} (or null) spares a restarted runner the download. Closing the source closes
   * the registry client.
   */
  public KubernetesFunctionSource(
      KubernetesClient client,
      KubernetesSourceOptions options,
      RegistryClient registry,
      BlobCache blobCache) {
    this(
        client,
        options,
        new OciModuleFetcher(
            registry,
            blobCache,
            name -> client.secrets().inNamespace(options.namespace()).withName(name).get()));
  }

  KubernetesFunctionSource(
      KubernetesClient client, KubernetesSourceOptions options, ModuleFetcher ociFetcher) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
    this.ociFetcher = Objects.requireNonNull(ociFetcher, "ociFetcher");
    this.configMapFetcher =
        new ConfigMapModuleFetcher(
            name -> client.configMaps().inNamespace(options.namespace()).withName(name).get(),
            options.maxModuleBytes());
    this.queue =
        new KeyedWorkQueue<>(
            "kubernetes-function-source",
            this::handle,
            new Backoff(options.retryMin(), options.retryMax(), new SplittableRandom()));
  }

  /** The settings this source runs with. */
  public KubernetesSourceOptions options() {
    return options;
  }

  @Override
  public void start(Listener listener) {
    synchronized (this) {
      if (this.listener != null) {
        throw new IllegalStateException("already started");
      }
      this.listener = Objects.requireNonNull(listener, "listener");
    }
    long started = System.nanoTime();
    long deadline = started + options.preloadTimeout().toNanos();
    String namespace = options.namespace();
    functions = client.resources(WasmFunction.class).inNamespace(namespace).runnableInformer(0);
    functions.addEventHandler(handler(fn -> queue.add(name(fn))));
    awaitStarted(functions, "WasmFunctions", deadline);
    queue.execute(this::beginPreload);
    awaitPreload(deadline, started);
  }

  @Override
  public void close() {
    closed = true;
    if (functions != null) {
      functions.stop();
    }
    queue.close(CLOSE_TIMEOUT);
    ociFetcher.close();
  }

  private void awaitStarted(SharedIndexInformer<?> informer, String what, long deadline) {
    String where = what + " in namespace " + options.namespace();
    try {
      informer
          .start()
          .toCompletableFuture()
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      close();
      throw new KubernetesSourceException(
          "cannot list "
              + where
              + " (are the CRDs installed and may the runner's ServiceAccount get, list and watch"
              + " them?): "
              + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new KubernetesSourceException(
          "the API server did not list " + where + " within " + options.preloadTimeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new KubernetesSourceException("interrupted while listing " + where, e);
    }
  }

  private void awaitPreload(long deadline, long started) {
    try {
      preloaded.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      LOG.infof(
          "pool %s/%s: initial functions loaded in %d ms",
          options.namespace(), options.pool(), (System.nanoTime() - started) / 1_000_000);
    } catch (TimeoutException e) {
      LOG.warnf(
          "pool %s/%s: still not loaded after %s, served once they load: %s",
          options.namespace(), options.pool(), options.preloadTimeout(), new TreeSet<>(preloading));
    } catch (ExecutionException e) {
      throw new IllegalStateException("the preload future never fails", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** On the queue's thread: remembers which functions exist now, then loads them. */
  private void beginPreload() {
    for (WasmFunction fn : functions.getStore().list()) {
      if (ours(fn) && digestOf(fn) != null) {
        preloading.add(name(fn));
      }
    }
    LOG.infof(
        "pool %s/%s: loading %d resolved functions",
        options.namespace(), options.pool(), preloading.size());
    Set.copyOf(preloading).forEach(queue::add);
    if (preloading.isEmpty()) {
      preloaded.complete(null);
    }
  }

  /** On the queue's thread: {@link #reconcile}, then the preload's bookkeeping. */
  private Optional<String> handle(String name) {
    Optional<String> retry;
    try {
      retry = reconcile(name);
    } catch (RuntimeException e) {
      LOG.errorf(e, "function %s: unexpected failure while loading", name);
      retry = Optional.of(retrying(name, "unexpected failure: " + e));
    }
    if (retry.isEmpty() && preloading.remove(name) && preloading.isEmpty()) {
      preloaded.complete(null);
    }
    return retry;
  }

  /**
   * Brings what the listener knows of {@code name} in line with the cluster. Returns why, when a
   * passing failure is to be retried.
   */
  private Optional<String> reconcile(String name) {
    WasmFunction fn =
        functions.getStore().getByKey(Cache.namespaceKeyFunc(options.namespace(), name));
    if (fn == null || !ours(fn)) {
      forget(name);
      return DONE;
    }
    String digest = digestOf(fn);
    if (digest == null) {
      // Not resolved by the operator yet (a resolved function keeps its last good digest).
      return DONE;
    }
    Version version =
        new Version(fn.getMetadata().getUid(), fn.getMetadata().getGeneration(), digest);
    String seenAt = fn.getMetadata().getResourceVersion();
    if (version.equals(served.get(name))
        || (version.equals(unusable.get(name))
            && Objects.equals(seenAt, unusableSeenAt.get(name)))) {
      return DONE;
    }
    if (served.containsKey(name) && statusIsStale(fn)) {
      // The spec changed and the operator has not resolved it yet; its new status will follow.
      return DONE;
    }
    try {
      FunctionDefinition definition = load(name, fn, digest);
      if (closed) {
        return DONE;
      }
      listener.upsert(definition);
      reported.add(name);
      served.put(name, version);
      unusable.remove(name);
      unusableSeenAt.remove(name);
      return DONE;
    } catch (ModuleFetchException e) {
      return switch (e) {
        case ModuleUnusableException unusableNow -> {
          unusable.put(name, version);
          unusableSeenAt.put(name, seenAt);
          report(name, unusableNow.getMessage());
          yield DONE;
        }
        case ModuleUnavailableException unavailable ->
            Optional.of(retrying(name, unavailable.getMessage()));
      };
    }
  }

  private FunctionDefinition load(String name, WasmFunction fn, String digest)
      throws ModuleFetchException {
    if (!FunctionNames.isValid(name)) {
      throw new ModuleUnusableException(FunctionNames.describeInvalid(name));
    }
    FunctionConfig config;
    try {
      config = FunctionConfigs.fromSpec(fn.getSpec());
    } catch (IllegalArgumentException e) {
      throw new ModuleUnusableException("invalid spec: " + e.getMessage(), e);
    }
    FetchedModule module = fetcher(fn).fetch(fn, digest);
    if (!module.matches(digest)) {
      throw new ModuleUnusableException(
          module.origin()
              + " holds a module with digest "
              + module.digest()
              + ", not the resolved "
              + digest
              + "; waiting for the operator to resolve the new module");
    }
    return new FunctionDefinition(
        name,
        module.bytes(),
        config,
        "WasmFunction " + options.namespace() + "/" + name + " from " + module.origin());
  }

  private ModuleFetcher fetcher(WasmFunction fn) throws ModuleUnusableException {
    var source = fn.getSpec().getSource();
    if (source != null && source.getConfigMap() != null) {
      return configMapFetcher;
    }
    if (source != null && source.getOci() != null) {
      return ociFetcher;
    }
    throw new ModuleUnusableException("spec.source names neither a configMap nor an oci artifact");
  }

  /** Reports the first of a run of failures to the listener; the queue logs the later ones. */
  private String retrying(String name, String reason) {
    if (queue.failures(name) == 0) {
      report(name, reason + " (retrying)");
    }
    return reason;
  }

  private void report(String name, String reason) {
    if (!closed) {
      reported.add(name);
      listener.invalid(name, reason);
    }
  }

  private void forget(String name) {
    served.remove(name);
    unusable.remove(name);
    unusableSeenAt.remove(name);
    queue.forget(name);
    if (reported.remove(name) && !closed) {
      listener.remove(name);
    }
  }

  private boolean ours(WasmFunction fn) {
    return fn.getSpec() != null && options.pool().equals(fn.getSpec().getPool());
  }

  private static String digestOf(WasmFunction fn) {
    WasmFunctionStatus status = fn.getStatus();
    return status == null ? null : status.getDigest();
  }

  private static boolean statusIsStale(WasmFunction fn) {
    Long observed = fn.getStatus().getObservedGeneration();
    Long generation = fn.getMetadata().getGeneration();
    return observed != null && generation != null && observed < generation;
  }

  private static String name(io.fabric8.kubernetes.api.model.HasMetadata resource) {
    return resource.getMetadata().getName();
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> changed) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T resource) {
        changed.accept(resource);
      }

      @Override
      public void onUpdate(T before, T after) {
        changed.accept(after);
      }

      @Override
      public void onDelete(T resource, boolean finalStateUnknown) {
        changed.accept(resource);
      }
    };
  }

  /**
   * What was loaded or refused: a resolved digest under one generation of one object's spec (the
   * uid tells a function deleted and created again under the same name from the old one).
   */
  private record Version(String uid, Long generation, String digest) {}
}
