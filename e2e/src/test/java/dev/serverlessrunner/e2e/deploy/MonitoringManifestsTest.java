package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring/ scrapes what the applications serve where they serve it, from the namespace
 * the runners' NetworkPolicy admits, and its rules and dashboard are well-formed.
 */
class MonitoringManifestsTest {

  private static final String MONITORING = "deploy/monitoring/";
  private static final String DASHBOARD = MONITORING + "dashboards/serverless-runner.json";
  private static final String POOL_NAMES =
      "operator/src/main/java/dev/serverlessrunner/operator/pool/PoolNames.java";
  private static final String RUNNER_DEPLOYMENT =
      "operator/src/main/java/dev/serverlessrunner/operator/pool/RunnerDeploymentDependent.java";
  private static final String OPERATOR_CONFIG =
      "operator/src/main/java/dev/serverlessrunner/operator/config/OperatorConfig.java";

  @Test
  void runnerPodMonitorSelectsThePodsTheOperatorCreates() {
    PodMonitor monitor = podMonitor("serverlessrunner-runners");
    Map<String, String> podLabels =
        Map.of(
            "app.kubernetes.io/name",
            SourceFacts.find(
                POOL_NAMES, "labels.put\\(\"app.kubernetes.io/name\", \"([^\"]+)\"\\)"),
            SourceFacts.find(POOL_NAMES, "MANAGED_BY = \"([^\"]+)\""),
            SourceFacts.find(POOL_NAMES, "String OPERATOR = \"([^\"]+)\""));

    assertThat(monitor.getSpec().getNamespaceSelector().getAny()).isTrue();
    assertThat(podLabels).containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void runnerPodMonitorScrapesTheManagementPortsMetricsPath() {
    PodMetricsEndpoint endpoint =
        podMonitor("serverlessrunner-runners").getSpec().getPodMetricsEndpoints().getFirst();

    assertThat(endpoint.getPort())
        .isEqualTo(SourceFacts.find(RUNNER_DEPLOYMENT, "MANAGEMENT_PORT_NAME = \"([^\"]+)\""));
    assertThat(endpoint.getPath())
        .isEqualTo(SourceFacts.find(RUNNER_DEPLOYMENT, "\"prometheus.io/path\", \"([^\"]+)\""));
  }

  @Test
  void operatorPodMonitorSelectsTheOperatorPodOnANamedPortOfIt() {
    PodMonitor monitor = podMonitor("serverlessrunner-operator");
    Deployment operator =
        Manifests.read(ProjectFiles.resolve("deploy/operator/deployment.yaml")).stream()
            .filter(m -> m.is("Deployment"))
            .findFirst()
            .orElseThrow()
            .as(Deployment.class);
    var pod = operator.getSpec().getTemplate();

    assertThat(monitor.getSpec().getNamespaceSelector().getMatchNames())
        .containsExactly(operator.getMetadata().getNamespace());
    assertThat(pod.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
    assertThat(pod.getSpec().getContainers().getFirst().getPorts())
        .extracting(ContainerPort::getName)
        .contains(monitor.getSpec().getPodMetricsEndpoints().getFirst().getPort());
    assertThat(monitor.getSpec().getPodMetricsEndpoints().getFirst().getPath())
        .isEqualTo("/q/metrics");
  }

  @Test
  void monitoringObjectsLiveInTheNamespaceRunnerNetworkPoliciesAdmit() {
    String admitted =
        SourceFacts.configDefault(OPERATOR_CONFIG, "String", "monitoringNamespaceSelector");

    assertThat(admitted).isEqualTo("kubernetes.io/metadata.name=monitoring");
    assertThat(ProjectFiles.read(MONITORING + "kustomization.yaml"))
        .contains("namespace: monitoring");
    for (Manifest m : Manifests.under(ProjectFiles.resolve(MONITORING))) {
      assertThat(m.namespace()).as(m.toString()).isEqualTo("monitoring");
    }
  }

  @Test
  void everyAlertHasASeverityASummaryAndAnExpression() {
    List<Rule> rules = new ArrayList<>();
    prometheusRule().getSpec().getGroups().forEach(g -> rules.addAll(g.getRules()));

    assertThat(rules).extracting(Rule::getAlert).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(rules)
        .allSatisfy(
            rule -> {
              assertThat(rule.getLabels()).containsKey("severity");
              assertThat(rule.getLabels().get("severity")).isIn("critical", "warning");
              assertThat(rule.getAnnotations()).containsKeys("summary", "description");
              assertThat(rule.getExpr().getStrVal()).isNotBlank();
            });
    assertThat(rules)
        .extracting(Rule::getAlert)
        .contains(
            "ServerlessRunnerRecordsDropped",
            "ServerlessRunnerRecordBacklogNearFull",
            "ServerlessRunnerShardUnreachable",
            "ServerlessRunnerFunctionErrorRatioHigh",
            "ServerlessRunnerPoolAtMaxReplicas");
  }

  @Test
  void dashboardPanelsHaveUniqueIdsAndQueryTheChosenDataSource() {
    JsonNode dashboard = readJson(DASHBOARD);
    Set<Integer> ids = new HashSet<>();
    List<JsonNode> targets = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("panel id %s", panel.path("id")).isTrue();
      panel.path("targets").forEach(targets::add);
    }

    assertThat(dashboard.path("uid").asText()).isEqualTo("serverless-runner");
    assertThat(targets).isNotEmpty();
    assertThat(targets)
        .allSatisfy(
            t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}"));
  }

  @Test
  void dashboardFiltersByNamespacePoolAndFunction() {
    List<String> variables = new ArrayList<>();
    readJson(DASHBOARD)
        .path("templating")
        .path("list")
        .forEach(v -> variables.add(v.path("name").asText()));

    assertThat(variables).containsExactly("datasource", "namespace", "pool", "function");
  }

  @Test
  void queriesAreFoundInTheDashboardTheRulesAndTheAdapterRule() {
    List<DeployQueries.Query> queries = DeployQueries.all();

    assertThat(queries).anySatisfy(q -> assertThat(q.origin()).startsWith(DASHBOARD));
    assertThat(queries).anySatisfy(q -> assertThat(q.origin()).contains("PrometheusRule"));
    assertThat(queries)
        .anySatisfy(
            q -> assertThat(q.origin()).startsWith("deploy/metrics/").contains("seriesQuery"));
    assertThat(DeployQueries.metricNames())
        .contains(
            "faas_invoke_duration_seconds_bucket",
            "runner_records_backlog_capacity",
            "runner_invocations_in_flight");
  }

  @Test
  void externalMetricsAreListedInTheDeployReadme() {
    String readme = ProjectFiles.read("deploy/README.md");

    assertThat(DeployQueries.EXTERNAL_METRICS).allSatisfy(m -> assertThat(readme).contains(m));
  }

  @Test
  void grafanaVariableQueriesYieldTheirPromQl() {
    assertThat(DeployQueries.grafanaVariableQuery("label_values(up{job=\"a,b\"}, instance)"))
        .contains("up{job=\"a,b\"}");
    assertThat(DeployQueries.grafanaVariableQuery("label_values(namespace)")).isEmpty();
    assertThat(DeployQueries.grafanaVariableQuery("query_result(sum(rate(x[5m])))"))
        .contains("sum(rate(x[5m]))");
    assertThat(DeployQueries.grafanaVariableQuery("metrics(faas_.*)")).isEmpty();
  }

  private static PodMonitor podMonitor(String name) {
    return Manifests.under(ProjectFiles.resolve(MONITORING)).stream()
        .filter(m -> m.is("PodMonitor") && m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no PodMonitor " + name + " in " + MONITORING))
        .as(PodMonitor.class);
  }

  private static PrometheusRule prometheusRule() {
    return Manifests.under(ProjectFiles.resolve(MONITORING)).stream()
        .filter(m -> m.is("PrometheusRule"))
        .findFirst()
        .orElseThrow()
        .as(PrometheusRule.class);
  }

  private static JsonNode readJson(String relative) {
    try {
      return new ObjectMapper().readTree(ProjectFiles.read(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
