package dev.serverlessrunner.runner.config;

import static dev.serverlessrunner.crd.RunnerContract.ENV_BLOB_CACHE_DIR;
import static dev.serverlessrunner.crd.RunnerContract.ENV_BLOB_CACHE_MAX_BYTES;
import static dev.serverlessrunner.crd.RunnerContract.ENV_INSECURE_REGISTRIES;
import static dev.serverlessrunner.crd.RunnerContract.ENV_NAMESPACE;
import static dev.serverlessrunner.crd.RunnerContract.ENV_POOL;
import static dev.serverlessrunner.crd.RunnerContract.ENV_RECORDING_FLUSH_INTERVAL;
import static dev.serverlessrunner.crd.RunnerContract.ENV_RECORDING_MAX_ROWS;
import static dev.serverlessrunner.crd.RunnerContract.ENV_RECORDING_QUEUE_CAPACITY;
import static dev.serverlessrunner.crd.RunnerContract.ENV_SHARDS;
import static dev.serverlessrunner.crd.RunnerContract.ENV_THREADS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.pool.PoolOptions;
import dev.serverlessrunner.runner.recording.RecorderConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator configures runner pods only through {@link RunnerContract}'s environment variables:
 * each must land in the runner's {@link RunnerConfig} as SmallRye Config maps it at startup, and
 * the runner's defaults must be the engine's and recorder's own.
 */
class RunnerContractTest {

  private static final Map<String, String> POD_ENV =
      Map.of(
          ENV_POOL, "web",
          ENV_NAMESPACE, "team-a",
          ENV_INSECURE_REGISTRIES, "registry.local:5000,mirror:5000",
          ENV_BLOB_CACHE_DIR, "/var/cache/serverless-runner/blobs",
          ENV_BLOB_CACHE_MAX_BYTES, "805306368",
          ENV_THREADS, "3",
          ENV_SHARDS, "postgresql://u:p@pg-0/db,postgresql://u:p@pg-1/db",
          ENV_RECORDING_MAX_ROWS, "250",
          ENV_RECORDING_FLUSH_INTERVAL, "20ms",
          ENV_RECORDING_QUEUE_CAPACITY, "5000");

  @Test
  void everyVariableOfTheContractIsCoveredHere() {
    assertThat(POD_ENV.keySet()).containsExactlyInAnyOrderElementsOf(RunnerContract.ENV);
  }

  @Test
  void everyVariableTheOperatorSetsReachesTheRunnersConfig() {
    RunnerConfig config = config(POD_ENV);

    assertThat(config.kubernetes().pool()).contains("web");
    assertThat(config.kubernetes().namespace()).contains("team-a");
    assertThat(config.kubernetes().insecureRegistries())
        .contains(List.of("registry.local:5000", "mirror:5000"));
    assertThat(config.kubernetes().blobCacheDir())
        .isEqualTo(Path.of("/var/cache/serverless-runner/blobs"));
    assertThat(config.kubernetes().blobCacheMaxBytes()).isEqualTo(805_306_368L);
    assertThat(config.execution().threads()).hasValue(3);
    assertThat(config.recording().shards())
        .contains(List.of("postgresql://u:p@pg-0/db", "postgresql://u:p@pg-1/db"));
    assertThat(config.recording().maxRows()).isEqualTo(250);
    assertThat(config.recording().flushInterval()).isEqualTo(Duration.ofMillis(20));
    assertThat(config.recording().queueCapacity()).isEqualTo(5000);
  }

  @Test
  void runnerDefaultsAreTheEngineAndRecorderDefaults() {
    RunnerConfig config = config(Map.of());

    assertThat(config.functions().maxModuleBytes())
        .isEqualTo(ModulePolicy.DEFAULTS.maxModuleBytes());
    assertThat(config.execution().threadStackBytes())
        .isEqualTo(PoolOptions.defaults().stackSizeBytes());
    assertThat(config.execution().queueCapacity())
        .isEqualTo(PoolOptions.defaults().queueCapacity());
    RunnerConfig.Limits limits = config.limits();
    assertThat(
            new Limits(
                limits.memoryBytes(),
                limits.fuel(),
                limits.timeout(),
                limits.maxStdoutBytes(),
                limits.maxStderrBytes()))
        .isEqualTo(Limits.DEFAULTS);
    RecorderConfig recorder =
        RecorderConfig.builder().shardUris(List.of("postgresql://x/db")).build();
    assertThat(config.recording().maxRows()).isEqualTo(recorder.maxRows());
    assertThat(config.recording().flushInterval()).isEqualTo(recorder.flushInterval());
    assertThat(config.recording().maxInFlight()).isEqualTo(recorder.maxInFlight());
    assertThat(config.recording().queueCapacity()).isEqualTo(recorder.queueCapacity());
  }

  /** RunnerConfig as the runner builds it at startup, with {@code env} as its environment. */
  private static RunnerConfig config(Map<String, String> env) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(RunnerConfig.class)
            .withSources(new EnvConfigSource(env, 300), new SysPropConfigSource())
            // Quarkus' own converter, so "20ms" parses as it does in the application.
            .withConverter(Duration.class, 200, new DurationConverter())
            .addDefaultInterceptors()
            .build();
    return config.getConfigMapping(RunnerConfig.class);
  }
}
