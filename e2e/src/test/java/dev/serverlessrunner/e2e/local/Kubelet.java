package dev.serverlessrunner.e2e.local;

import dev.serverlessrunner.e2e.local.LocalPlatform.RunnerPod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the suite does in the place of the Deployment controller, the kubelets and the endpoints
 * controller, for one Deployment: it keeps one runner process per replica the Deployment asks for,
 * starting and stopping processes as {@code spec.replicas} changes, probes each one's readiness
 * endpoint, offers the ready ones as the Service's endpoints, and reports replicas and readiness in
 * the Deployment's status. Nothing else is faked.
 *
 * <p>Like the real ones: a pod that goes is sent SIGTERM, then SIGKILL after its {@code
 * terminationGracePeriodSeconds}; scaling down removes unready pods first, then the youngest; a
 * changed pod template is rolled out one pod at a time (a new pod first, an old one once the new
 * one is ready: a Deployment's default strategy at this size). Unlike them: one loop every {@link
 * #SYNC_PERIOD} stands for the controllers' watches, and readiness is probed on that loop instead
 * of every {@code periodSeconds}, so tests wait for runners rather than for probes.
 */
public final class Kubelet implements AutoCloseable {

  /** How often the Deployment is read, pods are started or stopped, and probed. */
  static final Duration SYNC_PERIOD = Duration.ofMillis(200);

  /**
   * How long a terminating pod stays among the endpoints: kube-proxy learns of a pod's deletion a
   * moment after the kubelet has sent SIGTERM, which the runner's endpoint-removal delay covers.
   */
  static final Duration ENDPOINT_PROPAGATION = Duration.ofSeconds(1);

  private static final HttpClient PROBE_HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** Starts the runner process of a new pod from the Deployment's pod template. */
  @FunctionalInterface
  public interface PodLauncher {
    RunnerPod launch(String podName, PodTemplateSpec template);
  }

  /** What is known of one pod, at one moment. */
  public record PodState(
      RunnerPod pod,
      Instant created,
      Optional<Instant> ready,
      Optional<Instant> terminating,
      Optional<Instant> exited,
      boolean killed) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String deployment;
  private final PodLauncher launcher;
  private final ScheduledExecutorService loop;
  private final ExecutorService terminations = Executors.newCachedThreadPool();
  private final List<Pod> pods = new CopyOnWriteArrayList<>();
  private int nextOrdinal;
  private String lastError;

  private Kubelet(
      KubernetesClient client, String namespace, String deployment, PodLauncher launcher) {
    this.client = client;
    this.namespace = namespace;
    this.deployment = deployment;
    this.launcher = launcher;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "kubelet-" + deployment));
  }

  /** Starts following Deployment {@code deployment} in {@code namespace}. */
  public static Kubelet follow(
      KubernetesClient client, String namespace, String deployment, PodLauncher launcher) {
    Kubelet kubelet = new Kubelet(client, namespace, deployment, launcher);
    kubelet.loop.scheduleWithFixedDelay(
        kubelet::syncQuietly, 0, SYNC_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return kubelet;
  }

  /** Pods that run and are not terminating, ready or not, oldest first. */
  public List<RunnerPod> pods() {
    return live().stream().map(Pod::runner).toList();
  }

  /** Pods that run, are not terminating and pass their readiness probe, oldest first. */
  public List<RunnerPod> readyPods() {
    return live().stream().filter(p -> p.ready).map(Pod::runner).toList();
  }

  /**
   * The Service's endpoints: ready pods, and terminating ones that were ready until kube-proxy has
   * learnt of their deletion ({@link #ENDPOINT_PROPAGATION}).
   */
  public List<RunnerPod> endpoints() {
    Instant now = Instant.now();
    return pods.stream()
        .filter(p -> p.ready && p.exited == null)
        .filter(
            p -> p.terminating == null || now.isBefore(p.terminating.plus(ENDPOINT_PROPAGATION)))
        .map(Pod::runner)
        .toList();
  }

  /** Every pod started so far, gone ones included, in the order they were created. */
  public List<PodState> history() {
    return pods.stream().map(Pod::state).toList();
  }

  /** The state of pod {@code name}. */
  public PodState state(String name) {
    return pods.stream()
        .filter(p -> p.runner.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no pod " + name))
        .state();
  }

  private List<Pod> live() {
    return pods.stream().filter(p -> p.terminating == null).toList();
  }

  private void syncQuietly() {
    try {
      sync();
      lastError = null;
    } catch (RuntimeException e) {
      // Retried on the next pass, as a controller would; said once rather than every 200 ms.
      if (!Objects.equals(lastError, e.toString())) {
        lastError = e.toString();
        System.err.println("e2e kubelet " + deployment + ": " + e);
      }
    }
  }

  private void sync() {
    Deployment current =
        client.apps().deployments().inNamespace(namespace).withName(deployment).get();
    int wanted =
        current == null
            ? 0
            : Objects.requireNonNullElse(current.getSpec().getReplicas(), Integer.valueOf(1));
    PodTemplateSpec template = current == null ? null : current.getSpec().getTemplate();

    for (Pod pod : live()) {
      pod.probe();
    }
    List<Pod> updated = new ArrayList<>();
    List<Pod> outdated = new ArrayList<>();
    for (Pod pod : live()) {
      (pod.template.equals(template) ? updated : outdated).add(pod);
    }
    // Rollout: one surge pod while outdated ones remain, none unavailable.
    int surge = outdated.isEmpty() ? 0 : 1;
    while (updated.size() < wanted && updated.size() + outdated.size() < wanted + surge) {
      updated.add(start(template));
    }
    long ready = live().stream().filter(p -> p.ready).count();
    for (Pod old : outdated.stream().sorted(Pod.DELETION_ORDER).toList()) {
      if (!old.ready || ready - 1 >= wanted) {
        ready -= old.ready ? 1 : 0;
        terminate(old);
      }
    }
    updated.stream()
        .sorted(Pod.DELETION_ORDER)
        .limit(Math.max(0, updated.size() - wanted))
        .forEach(this::terminate);

    if (current != null) {
      report(current, template);
    }
  }

  private Pod start(PodTemplateSpec template) {
    String name = deployment + "-" + nextOrdinal++;
    Pod pod = new Pod(launcher.launch(name, template), template, Instant.now());
    pods.add(pod);
    return pod;
  }

  private void terminate(Pod pod) {
    pod.terminating = Instant.now();
    Duration grace =
        Duration.ofSeconds(
            Objects.requireNonNullElse(
                pod.template.getSpec().getTerminationGracePeriodSeconds(), Long.valueOf(30)));
    terminations.execute(
        () -> {
          pod.killed = !pod.runner.process().stop(grace);
          pod.exited = Instant.now();
        });
  }

  private void report(Deployment current, PodTemplateSpec template) {
    List<Pod> live = live();
    int ready = (int) live.stream().filter(p -> p.ready).count();
    int wanted = Objects.requireNonNullElse(current.getSpec().getReplicas(), Integer.valueOf(1));
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(current.getMetadata().getGeneration())
            .withReplicas(live.size())
            .withUpdatedReplicas(
                (int) live.stream().filter(p -> p.template.equals(template)).count())
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(Math.max(0, wanted - ready))
            .build();
    if (status.equals(current.getStatus())) {
      return;
    }
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(deployment)
        .editStatus(
            d -> {
              d.setStatus(status);
              return d;
            });
  }

  /** Stops following the Deployment and stops every pod (SIGTERM first, in parallel). */
  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(10, TimeUnit.SECONDS);
      for (Pod pod : live()) {
        terminate(pod);
      }
      terminations.shutdown();
      if (!terminations.awaitTermination(2, TimeUnit.MINUTES)) {
        System.err.println("e2e kubelet " + deployment + ": pods still stopping after 2 min");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One pod: its process, the template it was made from, and what the kubelet saw of it. */
  private static final class Pod {

    /** A ReplicaSet removes unready pods first, then the most recently created. */
    static final Comparator<Pod> DELETION_ORDER =
        Comparator.<Pod, Boolean>comparing(p -> p.ready)
            .thenComparing(p -> p.created, Comparator.reverseOrder());

    final RunnerPod runner;
    final PodTemplateSpec template;
    final Instant created;
    final URI readiness;
    final Duration probeTimeout;
    final int failureThreshold;
    volatile boolean ready;
    volatile Instant firstReady;
    volatile Instant terminating;
    volatile Instant exited;
    volatile boolean killed;
    private int failures;

    Pod(RunnerPod runner, PodTemplateSpec template, Instant created) {
      this.runner = runner;
      this.template = template;
      this.created = created;
      Probe probe = template.getSpec().getContainers().getFirst().getReadinessProbe();
      this.readiness =
          URI.create("http://127.0.0.1:" + runner.managementPort() + probe.getHttpGet().getPath());
      this.probeTimeout =
          Duration.ofSeconds(Objects.requireNonNullElse(probe.getTimeoutSeconds(), 1));
      this.failureThreshold = Objects.requireNonNullElse(probe.getFailureThreshold(), 3);
    }

    RunnerPod runner() {
      return runner;
    }

    /** One readiness probe: ready on success, unready after failureThreshold failures in a row. */
    void probe() {
      if (!runner.process().isAlive()) {
        ready = false;
        return;
      }
      boolean ok;
      try {
        ok =
            PROBE_HTTP
                    .send(
                        HttpRequest.newBuilder(readiness).timeout(probeTimeout).build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200;
      } catch (java.io.IOException e) {
        ok = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (ok) {
        failures = 0;
        if (firstReady == null) {
          firstReady = Instant.now();
        }
        ready = true;
      } else if (firstReady == null || ++failures >= failureThreshold) {
        ready = false;
      }
    }

    PodState state() {
      return new PodState(
          runner,
          created,
          Optional.ofNullable(firstReady),
          Optional.ofNullable(terminating),
          Optional.ofNullable(exited),
          killed);
    }
  }
}
