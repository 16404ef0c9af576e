package dev.serverlessrunner.e2e.local;

import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.oci.testsupport.LocalRegistry;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Everything the local suite runs against, started once per test JVM: two real PostgreSQL shards, a
 * real OCI registry, the mock API server with deploy/'s CRDs, the built operator reconciling
 * against it, the sample pool, and one runner process per replica of the Deployment the operator
 * produced, configured from that Deployment as a kubelet would configure its pods and following its
 * replica count ({@link Kubelet}).
 */
public final class LocalPlatform implements AutoCloseable {

  /** Namespace of the pool, its functions and Secrets. */
  public static final String NAMESPACE = "e2e";

  private static final Duration RECONCILE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RUNNERS_TIMEOUT = Duration.ofSeconds(120);
  private static final String POOL_SAMPLE = "deploy/samples/runnerpool-fixed.yaml";
  private static final String SHARD_SECRETS_SAMPLE = "deploy/samples/shard-secrets.yaml";
  private static final String OPERATOR_DEPLOYMENT = "deploy/operator/deployment.yaml";

  /** A runner process standing in for one pod of the pool's Deployment. */
  public record RunnerPod(
      String name, int port, int managementPort, ChildProcess process, RunnerClient client) {}

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Path logs = ProjectLayout.target().resolve("e2e-logs");
  private PostgresClusters shards;
  private LocalRegistry registry;
  private MockApiServer api;
  private ChildProcess operator;
  private int operatorPort;
  private RunnerPool pool;
  private Deployment deployment;
  private Kubelet kubelet;

  private LocalPlatform() {}

  /** Starts the whole platform; on any failure, stops what was started and rethrows. */
  public static LocalPlatform start() {
    LocalPlatform platform = new LocalPlatform();
    try {
      platform.startServices();
      platform.startOperator();
      platform.applyPool();
      platform.startRunnerPods();
      return platform;
    } catch (RuntimeException | Error e) {
      if (platform.api != null) {
        Path dir = ProjectLayout.target().resolve("e2e-dumps").resolve("platform-start");
        platform.dump(dir);
        System.err.println("e2e: platform did not start; state dumped to " + dir);
      }
      platform.close();
      throw e;
    }
  }

  private void startServices() {
    shards = PostgresClusters.start(2);
    toClose.add(shards);
    registry = LocalRegistry.start();
    toClose.add(registry);
    api = MockApiServer.start();
    toClose.add(api);
    api.applyCrds(ProjectLayout.resolve("deploy/crds"));
    client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    // The sample Secrets with their URLs pointed at the real shards, stored as the API server
    // would.
    List<HasMetadata> secrets = Manifests.load(client(), SHARD_SECRETS_SAMPLE);
    for (int i = 0; i < secrets.size(); i++) {
      Secret secret = (Secret) secrets.get(i);
      secret.getMetadata().setNamespace(NAMESPACE);
      secret.setStringData(Map.of("url", shards.uri(i)));
      client().secrets().resource(Manifests.asStored(secret)).create();
    }
  }

  private void startOperator() {
    Deployment manifest = Manifests.single(client(), OPERATOR_DEPLOYMENT, Deployment.class);
    Container container = manifest.getSpec().getTemplate().getSpec().getContainers().getFirst();
    String namespace = manifest.getMetadata().getNamespace();
    Map<String, String> env =
        new LinkedHashMap<>(
            PodEnvironment.resolve(
                container.getEnv(),
                new PodEnvironment.Pod(
                    namespace,
                    "serverlessrunner-operator-0",
                    name -> client().secrets().inNamespace(namespace).withName(name).get(),
                    name -> client().configMaps().inNamespace(namespace).withName(name).get())));
    int port = ProjectLayout.freePort();
    operatorPort = port;
    env.putAll(podImplicitEnv(namespace, port));
    operator =
        JvmContainer.start(
            "operator", ProjectLayout.operatorJar(), container, env, logs.resolve("operator.log"));
    toClose.add(operator);
    JvmContainer.awaitReady(operator, port);
  }

  private void applyPool() {
    pool = Manifests.single(client(), POOL_SAMPLE, RunnerPool.class);
    pool.getMetadata().setNamespace(NAMESPACE);
    pool = client().resources(RunnerPool.class).resource(pool).create();
    String name = pool.getMetadata().getName() + "-runner";
    deployment =
        await("Deployment " + name + " created by the operator")
            .atMost(RECONCILE_TIMEOUT)
            .until(
                () -> client().apps().deployments().inNamespace(NAMESPACE).withName(name).get(),
                d -> d != null);
  }

  private void startRunnerPods() {
    // A new pod's emptyDirs are empty: no blob cached or record spooled by an earlier run.
    deleteRecursively(ProjectLayout.target().resolve("e2e-pods"));
    kubelet =
        Kubelet.follow(client(), NAMESPACE, deployment.getMetadata().getName(), this::launchRunner);
    toClose.add(kubelet);
    awaitRunners(deployment.getSpec().getReplicas());
  }

  /**
   * Waits until the kubelet runs exactly {@code replicas} runner pods, all ready, and the pool
   * reports that many ready replicas and its Ready condition; returns the pods.
   */
  public List<RunnerPod> awaitRunners(int replicas) {
    await(replicas + " ready runner pods")
        .atMost(RUNNERS_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .failFast(
            () -> {
              for (RunnerPod pod : kubelet.pods()) {
                if (!pod.process().isAlive()) {
                  throw new AssertionError(
                      pod.name() + " exited; its log ends with:\n" + pod.process().logTail(4000));
                }
              }
            })
        .until(
            () ->
                kubelet.pods().size() == replicas
                    && kubelet.readyPods().size() == replicas
                    && kubelet.history().stream()
                        .allMatch(p -> p.terminating().isEmpty() || p.exited().isPresent()));
    await("RunnerPool " + poolName() + " Ready with " + replicas + " ready replicas")
        .atMost(RECONCILE_TIMEOUT)
        .until(
            () -> pool().get().getStatus(),
            s ->
                s != null
                    && Objects.equals(s.getReadyReplicas(), replicas)
                    && Objects.equals(s.getReplicas(), replicas)
                    && Conditions.isTrue(s, "Ready"));
    return kubelet.readyPods();
  }

  /**
   * Starts the runner process of pod {@code podName} with exactly the environment a kubelet would
   * give the template's container, plus what every pod gets implicitly.
   */
  private RunnerPod launchRunner(String podName, PodTemplateSpec template) {
    Container container = template.getSpec().getContainers().getFirst();
    Map<String, String> env =
        new LinkedHashMap<>(
            PodEnvironment.resolve(
                container.getEnv(),
                new PodEnvironment.Pod(
                    NAMESPACE,
                    podName,
                    name -> client().secrets().inNamespace(NAMESPACE).withName(name).get(),
                    name -> client().configMaps().inNamespace(NAMESPACE).withName(name).get())));
    int port = ProjectLayout.freePort();
    int managementPort = ProjectLayout.freePort();
    env.putAll(podImplicitEnv(NAMESPACE, port));
    // Health and metrics: the runner's management port (9000 in a pod), free here.
    env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    // The pod's /tmp (an emptyDir in a real pod) holds the OCI blob cache.
    Path podDir = ProjectLayout.target().resolve("e2e-pods").resolve(podName);
    env.put("RUNNER_KUBERNETES_BLOB_CACHE_DIR", podDir.resolve("blobs").toString());
    // Likewise the record spool's emptyDir, one per pod.
    env.put("RUNNER_RECORDING_SPOOL_DIR", podDir.resolve("spool").toString());
    ChildProcess process =
        JvmContainer.start(
            podName, ProjectLayout.runnerJar(), container, env, logs.resolve(podName + ".log"));
    return new RunnerPod(
        podName,
        port,
        managementPort,
        process,
        new RunnerClient(podName, URI.create("http://127.0.0.1:" + port)));
  }

  /**
   * What every pod gets without its spec saying so: the API server (a pod's client finds it from
   * {@code KUBERNETES_SERVICE_HOST} and its service account; here Fabric8's own variables, since
   * Quarkus fixes {@code quarkus.kubernetes-client.*} at build time), its namespace, its port.
   */
  private Map<String, String> podImplicitEnv(String namespace, int port) {
    return Map.of(
        "KUBERNETES_MASTER",
        api.url(),
        "KUBERNETES_NAMESPACE",
        namespace,
        "KUBERNETES_TRUST_CERTIFICATES",
        "true",
        "KUBERNETES_AUTH_TRYKUBECONFIG",
        "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT",
        "false",
        "QUARKUS_HTTP_PORT",
        Integer.toString(port));
  }

  /** A client of the mock API server. */
  public KubernetesClient client() {
    return api.client();
  }

  /** The PostgreSQL shards, in the pool's shard order. */
  public PostgresClusters shards() {
    return shards;
  }

  /** The loopback OCI registry. */
  public LocalRegistry registry() {
    return registry;
  }

  /** The sample pool's name. */
  public String poolName() {
    return pool.getMetadata().getName();
  }

  /** The ready runner pods of the sample pool, one per replica once it has settled. */
  public List<RunnerPod> runners() {
    return kubelet.readyPods();
  }

  /** The stand-in for the kubelets and controllers running the sample pool's pods. */
  public Kubelet kubelet() {
    return kubelet;
  }

  /** A client of the sample pool's Service, spreading requests over its endpoints. */
  public ServiceClient service() {
    return new ServiceClient(kubelet::endpoints);
  }

  /** The sample pool resource. */
  public Resource<RunnerPool> pool() {
    return client().resources(RunnerPool.class).inNamespace(NAMESPACE).withName(poolName());
  }

  /** The operator process. */
  public ChildProcess operator() {
    return operator;
  }

  /** The operator's HTTP port: its health checks and /q/metrics. */
  public int operatorPort() {
    return operatorPort;
  }

  /** Functions of the sample pool in {@link #NAMESPACE}. */
  public Functions functions() {
    return new Functions(client(), NAMESPACE, poolName());
  }

  /** Writes statuses, events, the Deployment and every process log under {@code dir}. */
  public void dump(Path dir) {
    Dumps.write(
        dir,
        client(),
        NAMESPACE,
        operator,
        kubelet == null
            ? List.of()
            : kubelet.history().stream().map(Kubelet.PodState::pod).toList());
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  @Override
  public void close() {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        System.err.println("e2e: could not stop " + toClose.get(i) + ": " + e);
      }
    }
    toClose.clear();
  }
}
