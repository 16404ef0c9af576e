package dev.serverlessrunner.runner.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shutdown phases the operator sizes a runner pod's grace period from reach the runner's
 * configuration in the form the operator writes them (ISO-8601 durations).
 */
class ShutdownContractTest {

  private static RunnerConfig config(Map<String, String> env) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(RunnerConfig.class)
            .withSources(new EnvConfigSource(env, 300), new SysPropConfigSource())
            .withConverter(Duration.class, 200, new DurationConverter())
            .addDefaultInterceptors()
            .build();
    return config.getConfigMapping(RunnerConfig.class);
  }

  @Test
  void everyShutdownPhaseTheOperatorSetsReachesTheRunner() {
    RunnerConfig config =
        config(
            Map.of(
                RunnerContract.ENV_SHUTDOWN_DELAY, "PT7S",
                RunnerContract.ENV_EXECUTION_DRAIN_TIMEOUT, "PT1M5S",
                RunnerContract.ENV_RECORDING_DRAIN_TIMEOUT, "PT30S",
                RunnerContract.ENV_POD_NAME, "web-runner-7d9f-abcde"));

    assertThat(config.shutdown().endpointRemovalDelay()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.execution().drainTimeout()).isEqualTo(Duration.ofSeconds(65));
    assertThat(config.recording().drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.kubernetes().podName()).contains("web-runner-7d9f-abcde");
  }

  @Test
  void aStandaloneRunnerWaitsFiveSecondsForEndpointRemoval() {
    assertThat(config(Map.of()).shutdown().endpointRemovalDelay()).isEqualTo(Duration.ofSeconds(5));
  }
}
