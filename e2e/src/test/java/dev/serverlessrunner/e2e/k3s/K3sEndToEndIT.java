package dev.serverlessrunner.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.e2e.local.Conditions;
import dev.serverlessrunner.e2e.local.Digest;
import dev.serverlessrunner.e2e.local.ProjectLayout;
import dev.serverlessrunner.e2e.local.RunnerClient;
import dev.serverlessrunner.guests.Guests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The local suite's scenarios on a real cluster with the real images: deploy/overlays/dev applied
 * with {@code kubectl apply --server-side}, the operator applying its children with server-side
 * apply, garbage collection of owned objects, PostgreSQL shards as StatefulSets, and the HPA
 * scaling the pool on CPU. Runs only with {@code E2E_K3S=true} and a Docker engine that can pull
 * {@code rancher/k3s} (and {@code postgres:15}) and holds or can pull the images of
 * deploy/images.md.
 */
// First, so that it runs before the conditions below skip the class.
@ExtendWith(SkipReason.class)
@EnabledIfEnvironmentVariable(
    named = "E2E_K3S",
    matches = "true",
    disabledReason =
        "K3s suite: set E2E_K3S=true where Docker can pull rancher/k3s and postgres:15 and has the"
            + " images of deploy/images.md (see e2e/README.md)")
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class K3sEndToEndIT {

  /** The development key whose hash deploy/overlays/dev/workloads/api-keys.yaml holds. */
  private static final String DEV_API_KEY = "sr_dev_4f1c9a7e2b6d8035";

  private static final String NAMESPACE = "serverlessrunner-dev";
  private static final String POOL = "default";
  private static final Duration RECONCILE = Duration.ofMinutes(5);
  private static final Duration SERVE = Duration.ofMinutes(1);

  private static K3sCluster cluster;
  private static final List<LocalPortForward> forwards = new ArrayList<>();

  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (cluster != null) {
            cluster.dump(
                ProjectLayout.target()
                    .resolve("e2e-dumps/k3s")
                    .resolve(context.getRequiredTestMethod().getName()),
                NAMESPACE,
                "serverlessrunner-system");
          }
        }
      };

  @BeforeAll
  static void startCluster() {
    cluster = K3sCluster.start();
  }

  @AfterAll
  static void stopCluster() throws IOException {
    for (LocalPortForward forward : forwards) {
      forward.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void devOverlayAppliedServerSideBecomesReady() {
    cluster.kubectl("apply", "--server-side", "-k", "/deploy/crds");
    cluster.kubectl(
        "wait",
        "--for=condition=Established",
        "--timeout=120s",
        "crd/runnerpools.serverlessrunner.dev",
        "crd/wasmfunctions.serverlessrunner.dev");
    cluster.kubectl("apply", "--server-side", "-k", "/deploy/overlays/dev");
    cluster.kubectl(
        "-n",
        "serverlessrunner-system",
        "rollout",
        "status",
        "deploy/serverlessrunner-operator",
        "--timeout=300s");
    cluster.kubectl(
        "-n", NAMESPACE, "rollout", "status", "statefulset/pg-shard-0", "--timeout=300s");
    cluster.kubectl(
        "-n", NAMESPACE, "rollout", "status", "statefulset/pg-shard-1", "--timeout=300s");

    await("pool Ready")
        .atMost(RECONCILE)
        .until(() -> Conditions.isTrue(pool().getStatus(), "Ready"));
    assertThat(pool().getStatus().getReadyReplicas()).isGreaterThanOrEqualTo(2);
    await("greeter Ready")
        .atMost(RECONCILE)
        .until(() -> Conditions.isTrue(function("greeter").getStatus(), "Ready"));
    assertThat(function("greeter").getStatus().getDigest())
        .isEqualTo(Digest.of(Guests.bytes("greeter")));
  }

  @Test
  @Order(2)
  void operatorOwnsItsChildrenThroughServerSideApply() {
    Deployment deployment =
        client().apps().deployments().inNamespace(NAMESPACE).withName(POOL + "-runner").get();

    List<ManagedFieldsEntry> applied =
        deployment.getMetadata().getManagedFields().stream()
            .filter(f -> "Apply".equals(f.getOperation()))
            .toList();
    assertThat(applied).extracting(ManagedFieldsEntry::getManager).contains("runnerpool");
    assertThat(deployment.getMetadata().getOwnerReferences())
        .anySatisfy(o -> assertThat(o.getKind()).isEqualTo("RunnerPool"));
    // Autoscaled: the operator leaves replicas to the HPA it created.
    assertThat(
            client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(NAMESPACE)
                .withName(POOL + "-runner")
                .get())
        .isNotNull();
  }

  @Test
  @Order(3)
  void greeterIsServedByEveryRunnerPodAndRecordedOnOneShard() {
    for (RunnerClient runner : runnerPods()) {
      RunnerClient.Reply reply =
          await(runner.name() + " serving greeter")
              .atMost(SERVE)
              .until(() -> runner.post("greeter", "Alice"), r -> r.status() == 200);
      assertThat(reply.body()).isEqualTo("Hello, Alice!");
      UUID id = reply.executionId().orElseThrow();
      Map<UUID, Integer> counts =
          await("record " + id).atMost(SERVE).until(this::rowCounts, c -> c.containsKey(id));
      assertThat(counts.get(id)).isEqualTo(1);
      assertThat(runner.record(id).body()).contains(Digest.of(Guests.bytes("greeter")));
    }
  }

  @Test
  @Order(4)
  void newModuleAppliedServerSideIsServedUnderItsNewDigest() {
    applyModule("greeter-v2", "greeter.wasm", Guests.bytes("echo"));
    WasmFunction greeter = function("greeter");
    greeter.getSpec().getSource().getConfigMap().setName("greeter-v2");
    applyFunction(greeter);

    String digest = Digest.of(Guests.bytes("echo"));
    await("new digest")
        .atMost(RECONCILE)
        .until(() -> digest.equals(function("greeter").getStatus().getDigest()));
    for (RunnerClient runner : runnerPods()) {
      await(runner.name() + " serving echo")
          .atMost(SERVE)
          .until(() -> runner.post("greeter", "ping"), r -> "ping".equals(r.body()));
    }
  }

  @Test
  @Order(5)
  void invalidModuleIsReportedWhileThePreviousVersionKeepsServing() {
    String before = function("greeter").getStatus().getDigest();
    applyModule("greeter-v2", "greeter.wasm", "not a module".getBytes(StandardCharsets.US_ASCII));

    await("NotWasm")
        .atMost(RECONCILE)
        .until(
            () ->
                Conditions.find(function("greeter").getStatus(), "SourceResolved")
                    .map(c -> "NotWasm".equals(c.getReason()))
                    .orElse(false));
    assertThat(function("greeter").getStatus().getDigest()).isEqualTo(before);
    for (RunnerClient runner : runnerPods()) {
      assertThat(runner.post("greeter", "still").body()).isEqualTo("still");
    }
  }

  @Test
  @Order(6)
  void hostileGuestsAreStoppedByTheirLimits() {
    deployConfigMapFunction("loop", "loop-forever");
    deployConfigMapFunction("exit", "exit-nonzero");
    RunnerClient runner = runnerPods().getFirst();

    RunnerClient.Reply loop =
        await("loop served")
            .atMost(SERVE)
            .until(() -> runner.post("loop", ""), r -> r.status() != 404);
    assertThat(loop.status()).isEqualTo(504);
    RunnerClient.Reply exit =
        await("exit served")
            .atMost(SERVE)
            .until(() -> runner.post("exit", ""), r -> r.status() != 404);
    assertThat(exit.status()).isEqualTo(500);
    assertThat(exit.body()).contains("Wasm exited with code 3");
  }

  @Test
  @Order(7)
  void ociFunctionIsPulledAndServed() {
    String ref = System.getenv("E2E_K3S_OCI_REF");
    Assumptions.assumeTrue(
        ref != null,
        "set E2E_K3S_OCI_REF to an HTTPS registry reference of guests/wasm/fib-cgi.wasm pushed with"
            + " bin/wasm-push (public, or readable with the dev overlay's registry-credentials)");
    WasmFunction fib = function("fib-cgi");
    fib.getSpec().getSource().getOci().setRef(ref);
    applyFunction(fib);

    await("fib-cgi Ready")
        .atMost(RECONCILE)
        .until(() -> Conditions.isTrue(function("fib-cgi").getStatus(), "Ready"));
    for (RunnerClient runner : runnerPods()) {
      await(runner.name() + " serving fib-cgi")
          .atMost(SERVE)
          .until(() -> runner.get("fib-cgi", "n=20"), r -> "6765".equals(r.body().strip()));
    }
  }

  @Test
  @Order(8)
  void shardPodKilledUnderLoadLosesNoAcknowledgedRecord() throws Exception {
    List<RunnerClient> runners = runnerPods();
    ConcurrentLinkedQueue<UUID> succeeded = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients = Executors.newFixedThreadPool(runners.size() * 2);
    for (RunnerClient runner : runners) {
      for (int c = 0; c < 2; c++) {
        clients.submit(
            () -> {
              while (!stop.get()) {
                RunnerClient.Reply reply = runner.post("greeter", "load");
                if (reply.status() / 100 == 2) {
                  succeeded.add(reply.executionId().orElseThrow());
                }
              }
              return null;
            });
      }
    }
    try {
      await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
      cluster.kubectl("-n", NAMESPACE, "delete", "pod", "pg-shard-1-0", "--wait=false");
      cluster.kubectl(
          "-n", NAMESPACE, "rollout", "status", "statefulset/pg-shard-1", "--timeout=300s");
      await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
    } finally {
      stop.set(true);
      clients.shutdown();
      assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
    }

    List<UUID> ids = List.copyOf(succeeded);
    assertThat(ids).isNotEmpty();
    Map<UUID, Integer> counts =
        await("every 2xx stored")
            .atMost(Duration.ofMinutes(3))
            .until(this::rowCounts, c -> c.keySet().containsAll(ids));
    assertThat(ids).allSatisfy(id -> assertThat(counts.get(id)).isEqualTo(1));
  }

  @Test
  @Order(9)
  void horizontalPodAutoscalerScalesThePoolOutUnderCpuLoad() throws Exception {
    deployConfigMapFunction("burn", "sha256-loop");
    List<RunnerClient> runners = runnerPods();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients = Executors.newFixedThreadPool(runners.size() * 4);
    for (RunnerClient runner : runners) {
      for (int c = 0; c < 4; c++) {
        clients.submit(
            () -> {
              while (!stop.get()) {
                runner.post("burn", "x");
              }
              return null;
            });
      }
    }
    try {
      await("HPA scaling past its minimum of 2")
          .atMost(Duration.ofMinutes(6))
          .pollInterval(Duration.ofSeconds(10))
          .until(
              () ->
                  client()
                      .apps()
                      .deployments()
                      .inNamespace(NAMESPACE)
                      .withName(POOL + "-runner")
                      .get()
                      .getSpec()
                      .getReplicas(),
              replicas -> replicas != null && replicas > 2);
    } finally {
      stop.set(true);
      clients.shutdownNow();
    }
  }

  @Test
  @Order(10)
  void deletedFunctionAnswers404AndDeletedPoolTakesItsChildren() {
    client().resources(WasmFunction.class).inNamespace(NAMESPACE).withName("exit").delete();
    RunnerClient runner = runnerPods().getFirst();
    await("exit dropped").atMost(SERVE).until(() -> runner.post("exit", "").status() == 404);

    client().resources(RunnerPool.class).inNamespace(NAMESPACE).withName(POOL).delete();
    await("Deployment garbage-collected")
        .atMost(RECONCILE)
        .until(
            () ->
                client()
                        .apps()
                        .deployments()
                        .inNamespace(NAMESPACE)
                        .withName(POOL + "-runner")
                        .get()
                    == null);
  }

  private static KubernetesClient client() {
    return cluster.client();
  }

  private static RunnerPool pool() {
    return client().resources(RunnerPool.class).inNamespace(NAMESPACE).withName(POOL).get();
  }

  private static WasmFunction function(String name) {
    return client().resources(WasmFunction.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** One client per ready runner pod, through a port-forward (a Service would pick one pod). */
  private static List<RunnerClient> runnerPods() {
    List<Pod> pods =
        client()
            .pods()
            .inNamespace(NAMESPACE)
            .withLabel("serverlessrunner.dev/pool", POOL)
            .list()
            .getItems()
            .stream()
            .filter(
                p ->
                    p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
            .toList();
    List<RunnerClient> clients = new ArrayList<>();
    for (Pod pod : pods) {
      LocalPortForward forward =
          client()
              .pods()
              .inNamespace(NAMESPACE)
              .withName(pod.getMetadata().getName())
              .portForward(8080);
      forwards.add(forward);
      clients.add(
          new RunnerClient(
              pod.getMetadata().getName(),
              URI.create("http://127.0.0.1:" + forward.getLocalPort()),
              DEV_API_KEY));
    }
    assertThat(clients).as("ready runner pods").hasSizeGreaterThanOrEqualTo(2);
    return clients;
  }

  /** Rows per execution id in both shards, read with psql inside the shard pods. */
  private Map<UUID, Integer> rowCounts() {
    Map<UUID, Integer> counts = new HashMap<>();
    for (String shard : List.of("pg-shard-0-0", "pg-shard-1-0")) {
      String out =
          cluster.kubectl(
              "-n",
              NAMESPACE,
              "exec",
              shard,
              "--",
              "psql",
              "-U",
              "runner",
              "-d",
              "runner",
              "-tAc",
              "SELECT id FROM executions");
      out.lines()
          .filter(l -> !l.isBlank())
          .forEach(l -> counts.merge(UUID.fromString(l.strip()), 1, Integer::sum));
    }
    return counts;
  }

  private static void applyModule(String name, String key, byte[] bytes) {
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NAMESPACE)
            .endMetadata()
            .addToBinaryData(key, Base64.getEncoder().encodeToString(bytes))
            .build();
    client().configMaps().resource(map).fieldManager("e2e").forceConflicts().serverSideApply();
  }

  private static void applyFunction(WasmFunction function) {
    function.getMetadata().setManagedFields(null);
    function.getMetadata().setResourceVersion(null);
    function.getMetadata().setUid(null);
    function.getMetadata().setGeneration(null);
    function.getMetadata().setCreationTimestamp(null);
    function.setStatus(null);
    client().resource(function).fieldManager("e2e").forceConflicts().serverSideApply();
  }

  private static void deployConfigMapFunction(String name, String guest) {
    applyModule(name, guest + ".wasm", Guests.bytes(guest));
    WasmFunction function = function("greeter");
    function.getMetadata().setName(name);
    function.getSpec().getSource().getConfigMap().setName(name);
    function.getSpec().getSource().getConfigMap().setKey(guest + ".wasm");
    FunctionLimits limits = new FunctionLimits();
    limits.setFuel(20_000_000L);
    limits.setTimeout("5s");
    function.getSpec().setLimits(limits);
    applyFunction(function);
    await(name + " Ready")
        .atMost(RECONCILE)
        .until(() -> Conditions.isTrue(function(name).getStatus(), "Ready"));
  }
}
