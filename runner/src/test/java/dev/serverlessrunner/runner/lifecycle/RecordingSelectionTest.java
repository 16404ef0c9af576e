package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.runner.config.RunnerConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordingSelectionTest {

  private static RunnerConfig config(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .addSystemSources()
            // Quarkus' own converter, so "30s" reads as it does in the application.
            .withConverter(Duration.class, 100, new DurationConverter())
            .withMapping(RunnerConfig.class)
            .withSources(new PropertiesConfigSource(properties, "test", 500))
            .build();
    return config.getConfigMapping(RunnerConfig.class);
  }

  @Test
  void runnerPodWithoutShardsRefusesToStartAndSaysHowToFixIt() {
    RunnerConfig config = config(Map.of("runner.kubernetes.pool", "blue"));

    assertThatThrownBy(() -> RunnerBeans.requireShardsInPods(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RunnerPool blue")
        .hasMessageContaining("spec.persistence.shards")
        .hasMessageContaining("runner.recording.allow-embedded=true");
  }

  @Test
  void runnerPodWithOnlyBlankShardsRefusesToStart() {
    RunnerConfig config =
        config(Map.of("runner.kubernetes.pool", "blue", "runner.recording.shards", " , "));

    assertThatThrownBy(() -> RunnerBeans.requireShardsInPods(config))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void runnerPodWithShardsStarts() {
    RunnerConfig config =
        config(
            Map.of(
                "runner.kubernetes.pool", "blue",
                "runner.recording.shards", "postgresql://runner@db0:5432/runner"));

    assertThatCode(() -> RunnerBeans.requireShardsInPods(config)).doesNotThrowAnyException();
  }

  @Test
  void runnerPodMayUseTheEmbeddedDatabaseWhenAllowed() {
    RunnerConfig config =
        config(Map.of("runner.kubernetes.pool", "blue", "runner.recording.allow-embedded", "true"));

    assertThatCode(() -> RunnerBeans.requireShardsInPods(config)).doesNotThrowAnyException();
  }

  @Test
  void standaloneRunnerWithoutShardsUsesTheEmbeddedDatabase() {
    assertThatCode(() -> RunnerBeans.requireShardsInPods(config(Map.of())))
        .doesNotThrowAnyException();
  }
}
