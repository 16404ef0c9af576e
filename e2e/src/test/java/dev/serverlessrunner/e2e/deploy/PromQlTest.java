package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The PromQL scanner finds metric names and nothing else. */
class PromQlTest {

  @Test
  void findsTheMetricOfASelectorAndSkipsItsLabelMatchersAndRange() {
    assertThat(PromQl.metricNames("rate(faas_invocations_total{pool=~\"$pool\",a!=\"b\"}[5m])"))
        .containsExactly("faas_invocations_total");
  }

  @Test
  void skipsFunctionsAggregationsAndTheirLabelLists() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le, faas_name) "
                    + "(rate(faas_invoke_duration_seconds_bucket[$__rate_interval])))"))
        .containsExactly("faas_invoke_duration_seconds_bucket");
    assertThat(PromQl.metricNames("max without (pod, instance) (runner_records_backlog)"))
        .containsExactly("runner_records_backlog");
    assertThat(PromQl.metricNames("sum(rate(a[5m])) by (namespace) / count by(x)(b)"))
        .containsExactly("a", "b");
    assertThat(PromQl.metricNames("topk(5, m1) + count_values(\"v\", m2) + quantile(0.9, m3)"))
        .containsExactly("m1", "m2", "m3");
  }

  @Test
  void skipsBinaryOperatorKeywordsAndVectorMatching() {
    assertThat(
            PromQl.metricNames(
                "a / on(namespace, pod) group_left(node) b > bool 0.5 and c offset 5m unless d"
                    + " or e * ignoring (x) group_right f atan2 g"))
        .containsExactly("a", "b", "c", "d", "e", "f", "g");
    assertThat(PromQl.metricNames("a >= on (namespace, horizontalpodautoscaler) b"))
        .containsExactly("a", "b");
  }

  @Test
  void skipsStringsNumbersDurationsAndLiterals() {
    assertThat(
            PromQl.metricNames(
                "label_replace(up, \"dst\", \"$1 no_metric\", 'src', `(.*)`) * 1e-3 + 0x1F - Inf"
                    + " + NaN + .5 + 2.5e+3 + m{a=\"}{\"}"))
        .containsExactly("up", "m");
  }

  @Test
  void skipsSubqueriesAtModifiersCommentsAndGrafanaVariables() {
    assertThat(
            PromQl.metricNames(
                "max_over_time(rate(a[5m])[1h:1m]) @ end() # b is a comment\n"
                    + "+ c[${__range}] + $d + ${e} * f"))
        .containsExactly("a", "c", "f");
  }

  @Test
  void keepsRecordingRuleNamesWithColonsAndHistogramSuffixes() {
    assertThat(
            PromQl.metricNames(
                "namespace:faas_errors:rate5m / faas_invoke_duration_seconds_count"
                    + " + faas_invoke_duration_seconds_sum"))
        .containsExactly(
            "namespace:faas_errors:rate5m",
            "faas_invoke_duration_seconds_count",
            "faas_invoke_duration_seconds_sum");
  }

  @Test
  void aMetricNamedLikeAnAggregationIsStillAMetricWhenSelected() {
    assertThat(PromQl.metricNames("count{job=\"x\"} + sum")).containsExactly("count", "sum");
  }
}
