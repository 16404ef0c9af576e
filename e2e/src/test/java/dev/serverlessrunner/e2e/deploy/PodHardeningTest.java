package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pod under deploy/ is hardened: read-only root filesystem, every capability dropped, no
 * privilege escalation, and a service-account token only where the pod calls the Kubernetes API.
 * The runner pods the operator builds are checked by RunnerDeploymentDependentTest.
 */
class PodHardeningTest {

  /** Workloads whose pods call the Kubernetes API, so they mount their token. */
  private static final Set<String> API_CLIENTS = Set.of("Deployment/serverlessrunner-operator");

  /** A workload's pod template, named for messages. */
  record Pod(Manifest manifest, PodTemplateSpec template) {
    PodSpec spec() {
      return template.getSpec();
    }

    List<Container> containers() {
      List<Container> all = new ArrayList<>(spec().getContainers());
      if (spec().getInitContainers() != null) {
        all.addAll(spec().getInitContainers());
      }
      return all;
    }

    @Override
    public String toString() {
      return manifest.toString();
    }
  }

  static Stream<Pod> pods() {
    return Manifests.under(ProjectFiles.deploy()).stream()
        .flatMap(
            m ->
                switch (m.kind()) {
                  case "Deployment" ->
                      Stream.of(new Pod(m, m.as(Deployment.class).getSpec().getTemplate()));
                  case "StatefulSet" ->
                      Stream.of(new Pod(m, m.as(StatefulSet.class).getSpec().getTemplate()));
                  case "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet" ->
                      throw new AssertionError(m + ": add its kind to PodHardeningTest");
                  default -> Stream.empty();
                });
  }

  @Test
  void deployHasPodsToCheck() {
    assertThat(pods().map(Pod::toString))
        .anyMatch(p -> p.contains("serverlessrunner-operator"))
        .anyMatch(p -> p.contains("StatefulSet/pg-shard-0"));
  }

  @ParameterizedTest
  @MethodSource("pods")
  void everyContainerHasAReadOnlyRootFilesystemAndDropsEveryCapability(Pod pod) {
    assertThat(pod.containers())
        .allSatisfy(
            c -> {
              var security = c.getSecurityContext();
              assertThat(security)
                  .as("%s container %s securityContext", pod, c.getName())
                  .isNotNull();
              assertThat(security.getReadOnlyRootFilesystem())
                  .as("%s container %s readOnlyRootFilesystem", pod, c.getName())
                  .isTrue();
              assertThat(security.getAllowPrivilegeEscalation())
                  .as("%s container %s allowPrivilegeEscalation", pod, c.getName())
                  .isFalse();
              assertThat(security.getCapabilities().getDrop())
                  .as("%s container %s capabilities.drop", pod, c.getName())
                  .contains("ALL");
              assertThat(security.getCapabilities().getAdd())
                  .as("%s container %s capabilities.add", pod, c.getName())
                  .isNullOrEmpty();
            });
  }

  @ParameterizedTest
  @MethodSource("pods")
  void podsRunAsNonRootWithTheRuntimeDefaultSeccompProfile(Pod pod) {
    assertThat(pod.spec().getSecurityContext().getRunAsNonRoot())
        .as("%s runAsNonRoot", pod)
        .isTrue();
    assertThat(pod.spec().getSecurityContext().getSeccompProfile().getType())
        .as("%s seccomp", pod)
        .isEqualTo("RuntimeDefault");
  }

  @ParameterizedTest
  @MethodSource("pods")
  void onlyApiClientsMountTheirServiceAccountToken(Pod pod) {
    String workload = pod.manifest().kind() + "/" + pod.manifest().name();
    assertThat(pod.spec().getAutomountServiceAccountToken())
        .as("%s automountServiceAccountToken (stated, not left to the ServiceAccount)", pod)
        .isEqualTo(API_CLIENTS.contains(workload));
  }

  @ParameterizedTest
  @MethodSource("pods")
  void everyWritableMountIsAVolumeOfThePod(Pod pod) {
    List<String> volumes = new ArrayList<>();
    pod.spec().getVolumes().stream().map(Volume::getName).forEach(volumes::add);
    if (pod.manifest().is("StatefulSet")) {
      pod.manifest()
          .as(StatefulSet.class)
          .getSpec()
          .getVolumeClaimTemplates()
          .forEach(t -> volumes.add(t.getMetadata().getName()));
    }
    assertThat(pod.containers())
        .flatExtracting(Container::getVolumeMounts)
        .allSatisfy(
            m ->
                assertThat(volumes)
                    .as("%s volume of mount %s", pod, m.getMountPath())
                    .contains(m.getName()))
        .as("%s mounts a writable /tmp", pod)
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
  }
}
