package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Ports and probe paths in the manifests are ones the applications serve: the operator Deployment
 * of deploy/operator, and the runner pods the operator builds (RunnerDeploymentDependent).
 */
class ProbesAndPortsTest {

  private static final String RUNNER_DEPLOYMENT =
      "operator/src/main/java/dev/serverlessrunner/operator/pool/RunnerDeploymentDependent.java";
  private static final String POOL_NAMES =
      "operator/src/main/java/dev/serverlessrunner/operator/pool/PoolNames.java";

  private static Container operatorContainer() {
    return Manifests.read(ProjectFiles.resolve("deploy/operator/deployment.yaml")).stream()
        .filter(m -> m.is("Deployment"))
        .findFirst()
        .orElseThrow()
        .as(Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  /** The port a probe targets, resolving a named port through the container's ports. */
  private static int probePort(Container container, Probe probe) {
    var port = probe.getHttpGet().getPort();
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "probe names port '" + port.getStrVal() + "', which the container lacks"));
  }

  @Test
  void operatorContainerPortIsTheOperatorsHttpPort() {
    assertThat(operatorContainer().getPorts())
        .extracting(ContainerPort::getContainerPort)
        .containsExactly(QuarkusHttp.of("operator").port());
  }

  @Test
  void operatorProbesTargetItsHttpPort() {
    Container c = operatorContainer();
    int port = QuarkusHttp.of("operator").port();

    assertThat(probePort(c, c.getLivenessProbe())).isEqualTo(port);
    assertThat(probePort(c, c.getReadinessProbe())).isEqualTo(port);
  }

  @Test
  void operatorProbesUseTheOperatorsHealthPaths() {
    QuarkusHttp operator = QuarkusHttp.of("operator");
    Container c = operatorContainer();

    assertThat(operator.hasHealth()).as("operator depends on quarkus-smallrye-health").isTrue();
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo(operator.livenessPath());
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo(operator.readinessPath());
  }

  @Test
  void runnerPodsExposeTheRunnersHttpPort() {
    int podPort = Integer.parseInt(SourceFacts.find(POOL_NAMES, "int HTTP_PORT = ([0-9]+);"));

    assertThat(podPort).isEqualTo(QuarkusHttp.of("runner").port());
  }

  @Test
  void runnerPodsProbeAndScrapeTheRunnersManagementPort() {
    int managementPort =
        Integer.parseInt(SourceFacts.find(POOL_NAMES, "int MANAGEMENT_PORT = ([0-9]+);"));
    String deployment = ProjectFiles.read(RUNNER_DEPLOYMENT);

    assertThat(QuarkusHttp.of("runner").managementPort())
        .as("the runner serves health and metrics on its management port")
        .isEqualTo(managementPort);
    assertThat(deployment)
        .contains(".withPort(new IntOrString(MANAGEMENT_PORT_NAME))")
        .contains(".withContainerPort(PoolNames.MANAGEMENT_PORT)")
        .contains("\"prometheus.io/port\", String.valueOf(PoolNames.MANAGEMENT_PORT)");
  }

  @Test
  void runnerPodProbesUseTheRunnersHealthPaths() {
    QuarkusHttp runner = QuarkusHttp.of("runner");
    List<String> probed = new ArrayList<>();
    Matcher m =
        Pattern.compile("probe\\(\"([^\"]+)\"").matcher(ProjectFiles.read(RUNNER_DEPLOYMENT));
    while (m.find()) {
      probed.add(m.group(1));
    }

    assertThat(runner.hasHealth()).as("runner depends on quarkus-smallrye-health").isTrue();
    assertThat(probed).containsExactlyInAnyOrder(runner.livenessPath(), runner.readinessPath());
  }

  @Test
  void runnerHasAReadinessCheckBeyondQuarkusDefaults() {
    // Without one, /q/health/ready is up as soon as HTTP is, before functions or shards are.
    assertThat(
            ProjectFiles.read(
                "runner/src/main/java/dev/serverlessrunner/runner/health/RunnerReadiness.java"))
        .contains("@Readiness");
  }
}
