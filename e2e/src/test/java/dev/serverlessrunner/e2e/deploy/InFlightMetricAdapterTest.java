package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.serverlessrunner.crd.RunnerContract;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * deploy/metrics/ serves the metric the operator's in-flight HPA asks for under that very name, and
 * the install line in its header uses the ConfigMap it ships.
 */
class InFlightMetricAdapterTest {

  private static final String RULES = "deploy/metrics/prometheus-adapter-rules.yaml";

  @Test
  void adapterRuleServesTheRunnersInFlightGaugeUnderTheNameTheHpaAsksFor() throws IOException {
    JsonNode rules =
        new YAMLMapper().readTree(configMap().getData().get("config.yaml")).path("rules");

    assertThat(rules)
        .anySatisfy(
            rule -> {
              assertThat(rule.path("seriesQuery").asText())
                  .startsWith(RunnerContract.IN_FLIGHT_METRIC + "{");
              assertThat(rule.path("name").path("as").asText())
                  .isEqualTo(RunnerContract.IN_FLIGHT_METRIC);
              assertThat(
                      rule.path("resources")
                          .path("overrides")
                          .path("pod")
                          .path("resource")
                          .asText())
                  .isEqualTo("pod");
            });
  }

  @Test
  void installLineUsesTheShippedConfigMap() {
    assertThat(ProjectFiles.read(RULES))
        .contains("--set rules.existing=" + configMap().getMetadata().getName());
  }

  private static ConfigMap configMap() {
    Path file = ProjectFiles.deploy().resolve("metrics/prometheus-adapter-rules.yaml");
    return Manifests.read(file).getFirst().as(ConfigMap.class);
  }
}
