package dev.serverlessrunner.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.e2e.local.Conditions;
import dev.serverlessrunner.e2e.local.ProjectLayout;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
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
 * Scale to zero on a real cluster: KEDA and its HTTP add-on installed by K3s' Helm controller, the
 * dev overlay, and deploy/samples/runnerpool-scale-to-zero.yaml. The operator generates the
 * HTTPScaledObject, KEDA takes the idle pool to zero, and a request sent through the add-on's
 * interceptor is held while a runner starts and answered. Gated like the K3s suite ({@code
 * E2E_K3S=true} and Docker); also needs network access to KEDA's chart repository and images.
 */
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
class K3sKedaIT {

  private static final String NAMESPACE = "serverlessrunner-dev";
  private static final String POOL = "on-demand";
  private static final String FUNCTION = "greeter-on-demand";
  private static final Duration RECONCILE = Duration.ofMinutes(5);

  /** Short, so the test sees the pool go to zero soon after its runner started. */
  private static final String SCALE_TO_ZERO_DELAY = "30s";

  private static K3sCluster cluster;

  @RegisterExtension
  static final TestWatcher DUMP_ON_FAILURE =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (cluster != null) {
            cluster.dump(
                ProjectLayout.target()
                    .resolve("e2e-dumps/k3s-keda")
                    .resolve(context.getRequiredTestMethod().getName()),
                NAMESPACE,
                "serverlessrunner-system",
                "keda");
          }
        }
      };

  @BeforeAll
  static void startCluster() {
    cluster = K3sCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void kedaAndTheDevOverlayAreInstalled() throws IOException {
    try (InputStream charts =
        Files.newInputStream(
            ProjectLayout.resolve("e2e/src/test/resources/k3s/keda-helmcharts.yaml"))) {
      client().load(charts).serverSideApply();
    }
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
        "set",
        "env",
        "deploy/serverlessrunner-operator",
        "SERVERLESSRUNNER_OPERATOR_AUTOSCALING_SCALE_TO_ZERO_DELAY=" + SCALE_TO_ZERO_DELAY);
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
    await("KEDA's HTTP add-on CRD")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(5))
        .until(
            () ->
                client()
                        .apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("httpscaledobjects.http.keda.sh")
                        .get()
                    != null);
    cluster.kubectl(
        "-n",
        "keda",
        "rollout",
        "status",
        "deploy/keda-add-ons-http-interceptor",
        "--timeout=300s");
    cluster.kubectl("-n", "keda", "rollout", "status", "deploy/keda-operator", "--timeout=300s");
  }

  @Test
  @Order(2)
  void scaleToZeroSampleGetsAnHttpScaledObject() throws IOException {
    RunnerPool pool;
    try (InputStream in =
        Files.newInputStream(
            ProjectLayout.resolve("deploy/samples/runnerpool-scale-to-zero.yaml"))) {
      pool = client().getKubernetesSerialization().unmarshal(in, RunnerPool.class);
    }
    pool.getMetadata().setNamespace(NAMESPACE);
    client().resource(pool).fieldManager("e2e").serverSideApply();
    WasmFunction greeter = function("greeter");
    WasmFunction fn = new WasmFunction();
    fn.getMetadata().setName(FUNCTION);
    fn.getMetadata().setNamespace(NAMESPACE);
    fn.setSpec(greeter.getSpec());
    fn.getSpec().setPool(POOL);
    client().resource(fn).fieldManager("e2e").serverSideApply();

    await("HTTPScaledObject of " + POOL)
        .atMost(RECONCILE)
        .until(
            () ->
                client()
                    .genericKubernetesResources("http.keda.sh/v1alpha1", "HTTPScaledObject")
                    .inNamespace(NAMESPACE)
                    .withName(POOL + "-runner")
                    .get(),
            (GenericKubernetesResource h) -> h != null);
    await("Autoscaling condition of " + POOL)
        .atMost(RECONCILE)
        .until(
            () -> condition("Autoscaling"),
            c ->
                c != null
                    && "True".equals(c.getStatus())
                    && "KedaHttpScaledObject".equals(c.getReason()));
    await(FUNCTION + " Ready")
        .atMost(RECONCILE)
        .until(() -> Conditions.isTrue(function(FUNCTION).getStatus(), "Ready"));
  }

  @Test
  @Order(3)
  void idlePoolGoesToZeroAndStaysReady() {
    await(POOL + " scaled to zero")
        .atMost(RECONCILE)
        .pollInterval(Duration.ofSeconds(5))
        .until(() -> deployment().getSpec().getReplicas(), r -> r != null && r == 0);
    await(POOL + " Ready while at zero")
        .atMost(RECONCILE)
        .until(
            () -> condition("Ready"),
            c -> c != null && "True".equals(c.getStatus()) && "ScaledToZero".equals(c.getReason()));
  }

  @Test
  @Order(4)
  void requestThroughTheInterceptorWakesThePoolAndIsAnswered() throws IOException {
    try (LocalPortForward interceptor =
        client()
            .services()
            .inNamespace("keda")
            .withName("keda-add-ons-http-interceptor-proxy")
            .portForward(8080)) {
      String reply =
          post(
              interceptor.getLocalPort(),
              POOL + "-runner." + NAMESPACE + ".svc",
              "/execute/" + FUNCTION,
              "Alice");
      assertThat(reply).startsWith("HTTP/1.1 200").contains("Hello, Alice!");
    }
    assertThat(deployment().getSpec().getReplicas()).isGreaterThanOrEqualTo(1);
  }

  /**
   * One HTTP/1.1 POST over a plain socket, since java.net.http refuses to set Host, which is what
   * the interceptor routes on. Returns the whole answer; the interceptor holds it while the runner
   * starts, hence the long read timeout.
   */
  private static String post(int port, String host, String path, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) Duration.ofMinutes(2).toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nContent-Length: "
                  + bytes.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KubernetesClient client() {
    return cluster.client();
  }

  private static Deployment deployment() {
    return client().apps().deployments().inNamespace(NAMESPACE).withName(POOL + "-runner").get();
  }

  private static WasmFunction function(String name) {
    return client().resources(WasmFunction.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private static Condition condition(String type) {
    RunnerPool pool =
        client().resources(RunnerPool.class).inNamespace(NAMESPACE).withName(POOL).get();
    if (pool == null || pool.getStatus() == null) {
      return null;
    }
    return pool.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
