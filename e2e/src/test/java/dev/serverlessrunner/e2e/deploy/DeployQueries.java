package dev.serverlessrunner.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every PromQL expression under deploy/: Grafana dashboards (each {@code expr} and each templating
 * query), PrometheusRules, prometheus-adapter rules (ConfigMaps with a {@code config.yaml}) and
 * KEDA Prometheus triggers.
 */
public final class DeployQueries {

  /**
   * Metrics Prometheus gets from elsewhere than the runners and the operator, each documented in
   * deploy/README.md (Monitoring): kube-state-metrics' HPA series.
   */
  public static final Set<String> EXTERNAL_METRICS =
      Set.of(
          "kube_horizontalpodautoscaler_spec_max_replicas",
          "kube_horizontalpodautoscaler_status_current_replicas");

  /** One expression and where it is written. */
  public record Query(String origin, String expression) {

    /** The metric names it selects. */
    public Set<String> metrics() {
      return PromQl.metricNames(expression);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Grafana's {@code label_values(query, label)} and {@code query_result(query)}. */
  private static final Pattern GRAFANA_QUERY =
      Pattern.compile("^\\s*(label_values|query_result)\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);

  /** prometheus-adapter's Go template placeholders, such as {@code <<.Series>>}. */
  private static final Pattern ADAPTER_TEMPLATE = Pattern.compile("<<[^>]*>>");

  private DeployQueries() {}

  /** Every expression under deploy/. */
  public static List<Query> all() {
    List<Query> queries = new ArrayList<>();
    for (Path file : jsonFiles(ProjectFiles.deploy())) {
      queries.addAll(grafana(file));
    }
    for (Manifest m : Manifests.under(ProjectFiles.deploy())) {
      queries.addAll(of(m));
    }
    return queries;
  }

  /** The metric names every expression under deploy/ selects. */
  public static Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    all().forEach(q -> names.addAll(q.metrics()));
    return names;
  }

  /** The expressions of one Grafana dashboard file. */
  static List<Query> grafana(Path file) {
    JsonNode dashboard = readJson(file);
    List<Query> queries = new ArrayList<>();
    String origin = ProjectFiles.relative(file);
    panels(dashboard, origin, queries);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        JsonNode query = variable.path("query");
        String text = query.isObject() ? query.path("query").asText() : query.asText();
        grafanaVariableQuery(text)
            .ifPresent(
                e ->
                    queries.add(
                        new Query(origin + " variable " + variable.path("name").asText(), e)));
      }
    }
    return queries;
  }

  /**
   * The PromQL inside a Grafana variable query: the first argument of {@code label_values} when it
   * has two, that of {@code query_result}; none for {@code label_values(label)} or {@code
   * metrics(…)}.
   */
  static java.util.Optional<String> grafanaVariableQuery(String text) {
    Matcher m = GRAFANA_QUERY.matcher(text);
    if (!m.matches()) {
      return java.util.Optional.empty();
    }
    String args = m.group(2);
    if (m.group(1).equals("query_result")) {
      return java.util.Optional.of(args);
    }
    int comma = lastTopLevelComma(args);
    return comma < 0 ? java.util.Optional.empty() : java.util.Optional.of(args.substring(0, comma));
  }

  private static List<Query> of(Manifest m) {
    List<Query> queries = new ArrayList<>();
    if (m.is("PrometheusRule")) {
      for (JsonNode group : m.tree().path("spec").path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          String name =
              rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
          queries.add(new Query(m + " " + name, rule.path("expr").asText()));
        }
      }
    } else if (m.is("ConfigMap") && m.tree().path("data").has("config.yaml")) {
      JsonNode config = readYaml(m.tree().path("data").path("config.yaml").asText());
      for (JsonNode rule : config.path("rules")) {
        for (String field : List.of("seriesQuery", "metricsQuery")) {
          if (rule.has(field)) {
            String expression = ADAPTER_TEMPLATE.matcher(rule.path(field).asText()).replaceAll("");
            queries.add(new Query(m + " " + field, expression));
          }
        }
      }
    } else if (m.is("ScaledObject")) {
      for (JsonNode trigger : m.tree().path("spec").path("triggers")) {
        if (trigger.path("type").asText().equals("prometheus")) {
          queries.add(new Query(m + " trigger", trigger.path("metadata").path("query").asText()));
        }
      }
    }
    return queries;
  }

  private static int lastTopLevelComma(String args) {
    int depth = 0;
    int last = -1;
    for (int i = 0; i < args.length(); i++) {
      char c = args.charAt(i);
      if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        last = i;
      }
    }
    return last;
  }

  /** The targets' expressions of every panel, those of panels nested in rows too. */
  private static void panels(JsonNode container, String origin, List<Query> queries) {
    for (JsonNode panel : container.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        if (!expr.isBlank()) {
          String where = "panel '" + panel.path("title").asText() + "' " + target.path("refId");
          queries.add(new Query(origin + " " + where, expr));
        }
      }
      panels(panel, origin, queries);
    }
  }

  private static List<Path> jsonFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + ProjectFiles.relative(file), e);
    }
  }

  private static JsonNode readYaml(String yaml) {
    try {
      return new YAMLMapper().readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
