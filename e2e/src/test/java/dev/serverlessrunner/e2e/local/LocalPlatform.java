package dev.serverlessrunner.e2e.local;

import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.oci.testsupport.LocalRegistry;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.stream.Stream;

/**
 * Everything the local suite runs against, started once per test JVM: two real PostgreSQL shards, a
 * real OCI registry, the mock API server with deploy/'s CRDs, the built operator reconciling
 * against it, the sample pool, and one runner process per replica of the Deployment the operator
 * produced, configured from that Deployment as a kubelet would configure its pods.
 */
public final class LocalPlatform implements AutoCloseable {

  /** Namespace of the pool, its functions and Secrets. */
  public static final String NAMESPACE = "e2e";

  private static final Duration RECONCILE_TIMEOUT = Duration.ofSeconds(60);
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
  private RunnerPool pool;
  private Deployment deployment;
  private final List<RunnerPod> runners = new ArrayList<>();

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
    // A new pod's /tmp is an empty emptyDir: no blob cached by an earlier run.
    deleteRecursively(ProjectLayout.target().resolve("e2e-pods"));
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    int replicas = deployment.getSpec().getReplicas();
    for (int i = 0; i < replicas; i++) {
      String podName = deployment.getMetadata().getName() + "-" + i;
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
      env.put(
          "RUNNER_KUBERNETES_BLOB_CACHE_DIR",
          ProjectLayout.target().resolve("e2e-pods").resolve(podName).resolve("blobs").toString());
      // Likewise the record spool's emptyDir, one per pod.
      env.put(
          "RUNNER_RECORDING_SPOOL_DIR",
          ProjectLayout.target().resolve("e2e-pods").resolve(podName).resolve("spool").toString());
      ChildProcess process =
          JvmContainer.start(
              podName, ProjectLayout.runnerJar(), container, env, logs.resolve(podName + ".log"));
      toClose.add(process);
      runners.add(
          new RunnerPod(
              podName,
              port,
              managementPort,
              process,
              new RunnerClient(podName, URI.create("http://127.0.0.1:" + port))));
    }
    for (RunnerPod runner : runners) {
      JvmContainer.awaitReady(runner.process(), runner.managementPort());
    }
    new Kubelet(client())
        .reportPods(NAMESPACE, deployment.getMetadata().getName(), replicas, replicas);
    await("RunnerPool " + pool.getMetadata().getName() + " Ready")
        .atMost(RECONCILE_TIMEOUT)
        .until(
            () ->
                Conditions.isTrue(
                    client()
                        .resources(RunnerPool.class)
                        .inNamespace(NAMESPACE)
                        .withName(pool.getMetadata().getName())
                        .get()
                        .getStatus(),
                    "Ready"));
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

  /** The runner pods, one per replica. */
  public List<RunnerPod> runners() {
    return runners;
  }

  /** The operator process. */
  public ChildProcess operator() {
    return operator;
  }

  /** Functions of the sample pool in {@link #NAMESPACE}. */
  public Functions functions() {
    return new Functions(client(), NAMESPACE, poolName());
  }

  /** Writes statuses, events, the Deployment and every process log under {@code dir}. */
  public void dump(Path dir) {
    Dumps.write(dir, client(), NAMESPACE, operator, runners);
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
