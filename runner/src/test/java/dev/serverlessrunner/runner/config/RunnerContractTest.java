package dev.serverlessrunner.runner.config;

import static dev.serverlessrunner.crd.RunnerContract.ENV_BLOB_CACHE_DIR;
import static dev.serverlessrunner.crd.RunnerContract.ENV_BLOB_CACHE_MAX_BYTES;
import static dev.serverlessrunner.crd.RunnerContract.ENV_INSECURE_REGISTRIES;
import static dev.serverlessrunner.crd.RunnerContract.ENV_LIMITS_CEILING_FUEL;
import static dev.serverlessrunner.crd.RunnerContract.ENV_LIMITS_CEILING_MEMORY_BYTES;
import static dev.serverlessrunner.crd.RunnerContract.ENV_LIMITS_CEILING_REQUEST_BYTES;
import static dev.serverlessrunner.crd.RunnerContract.ENV_LIMITS_CEILING_STDOUT_BYTES;
import static dev.serverlessrunner.crd.RunnerContract.ENV_LIMITS_CEILING_TIMEOUT;
import static dev.serverlessrunner.crd.RunnerContract.ENV_NAMESPACE;
import static dev.serverlessrunner.crd.RunnerContract.ENV_POOL;
import static dev.serverlessrunner.crd.RunnerContract.ENV_RECORDING_FLUSH_INTERVAL;
import static dev.serverlessrunner.crd.RunnerContract.ENV_RECORDING_MAX_ROWS;
import static dev.serverlessrunner.crd.RunnerContract.ENV_RECORDING_QUEUE_CAPACITY;
import static dev.serverlessrunner.crd.RunnerContract.ENV_SHARDS;
import static dev.serverlessrunner.crd.RunnerContract.ENV_SPOOL_DIR;
import static dev.serverlessrunner.crd.RunnerContract.ENV_SPOOL_MAX_BYTES;
import static dev.serverlessrunner.crd.RunnerContract.ENV_THREADS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.engine.pool.PoolOptions;
import dev.serverlessrunner.runner.recording.RecorderConfig;
import dev.serverlessrunner.runner.recording.spool.SpoolConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
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
      Map.ofEntries(
          Map.entry(ENV_POOL, "web"),
          Map.entry(ENV_NAMESPACE, "team-a"),
          Map.entry(ENV_INSECURE_REGISTRIES, "registry.local:5000,mirror:5000"),
          Map.entry(ENV_BLOB_CACHE_DIR, "/var/cache/serverless-runner/blobs"),
          Map.entry(ENV_BLOB_CACHE_MAX_BYTES, "805306368"),
          Map.entry(ENV_THREADS, "3"),
          Map.entry(ENV_SHARDS, "postgresql://u:p@pg-0/db,postgresql://u:p@pg-1/db"),
          Map.entry(ENV_RECORDING_MAX_ROWS, "250"),
          Map.entry(ENV_RECORDING_FLUSH_INTERVAL, "20ms"),
          Map.entry(ENV_RECORDING_QUEUE_CAPACITY, "5000"),
          Map.entry(ENV_LIMITS_CEILING_MEMORY_BYTES, "536870912"),
          Map.entry(ENV_LIMITS_CEILING_FUEL, "20000000000"),
          // What the operator writes: Duration.toString().
          Map.entry(ENV_LIMITS_CEILING_TIMEOUT, "PT1M30S"),
          Map.entry(ENV_LIMITS_CEILING_STDOUT_BYTES, "8388608"),
          Map.entry(ENV_LIMITS_CEILING_REQUEST_BYTES, "2097152"),
          Map.entry(ENV_SPOOL_DIR, "/var/lib/serverless-runner/spool"),
          Map.entry(ENV_SPOOL_MAX_BYTES, "805306368"),
          Map.entry(RunnerContract.ENV_AUTH_MODE, "jwt"),
          Map.entry(RunnerContract.ENV_AUTH_API_KEYS_DIR, "/etc/serverless-runner/api-keys"),
          Map.entry(RunnerContract.ENV_AUTH_JWT_ISSUER, "https://id.example.com"),
          Map.entry(RunnerContract.ENV_AUTH_JWT_JWKS_URL, "https://id.example.com/jwks"),
          Map.entry(RunnerContract.ENV_AUTH_JWT_AUDIENCE, "runner,api"),
          Map.entry(RunnerContract.ENV_AUTH_JWT_ROLES_CLAIM, "realm_access/roles"),
          Map.entry(RunnerContract.ENV_CGI_DENY_HEADERS, "X-Tenant-*,Access-Control-Allow-*"),
          Map.entry(RunnerContract.ENV_CGI_ALLOW_HEADERS, "Set-Cookie"),
          Map.entry(
              RunnerContract.ENV_RECORDING_SSL_ROOT_CERT,
              "/etc/serverless-runner/shard-ca/ca.crt"));

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
    assertThat(config.recording().spool().dir())
        .isEqualTo(Path.of("/var/lib/serverless-runner/spool"));
    assertThat(config.recording().spool().maxBytes()).isEqualTo(805_306_368L);
    RunnerConfig.Ceiling ceiling = config.limits().ceiling();
    assertThat(ceiling.memoryBytes()).isEqualTo(512L << 20);
    assertThat(ceiling.fuel()).isEqualTo(20_000_000_000L);
    assertThat(ceiling.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(ceiling.stdoutBytes()).isEqualTo(8L << 20);
    assertThat(ceiling.requestBytes()).isEqualTo(2L << 20);
  }

  @Test
  void authVariablesReachTheRunnersConfig() {
    RunnerConfig.Auth auth = config(POD_ENV).auth();

    assertThat(auth.mode()).isEqualTo(dev.serverlessrunner.runner.security.AuthMode.JWT);
    assertThat(auth.apiKeysDir()).contains(Path.of("/etc/serverless-runner/api-keys"));
    assertThat(auth.jwt().issuer()).contains("https://id.example.com");
    assertThat(auth.jwt().jwksUrl()).contains("https://id.example.com/jwks");
    assertThat(auth.jwt().audience()).contains(List.of("runner", "api"));
    assertThat(auth.jwt().rolesClaim()).isEqualTo("realm_access/roles");
    assertThat(config(Map.of(RunnerContract.ENV_AUTH_MODE, "api-key")).auth().mode())
        .isEqualTo(dev.serverlessrunner.runner.security.AuthMode.API_KEY);
    assertThat(config(Map.of()).auth().mode())
        .isEqualTo(dev.serverlessrunner.runner.security.AuthMode.NONE);
  }

  @Test
  void responseHeaderListsAndTheShardCaReachTheRunnersConfig() {
    RunnerConfig config = config(POD_ENV);

    assertThat(config.cgi().denyHeaders())
        .contains(List.of("X-Tenant-*", "Access-Control-Allow-*"));
    assertThat(config.cgi().allowHeaders()).contains(List.of("Set-Cookie"));
    assertThat(config.recording().sslRootCert())
        .contains(Path.of("/etc/serverless-runner/shard-ca/ca.crt"));
    assertThat(config(Map.of()).cgi().denyHeaders()).isEmpty();
    assertThat(config(Map.of()).recording().sslRootCert()).isEmpty();
  }

  @Test
  void ceilingsLeaveTheFunctionDefaultsAlone() {
    RunnerConfig.Limits limits = config(POD_ENV).limits();

    assertThat(limits.maxStdoutBytes()).isEqualTo(Limits.DEFAULTS.maxStdoutBytes());
    assertThat(limits.maxRequestBytes()).isEqualTo(1L << 20);
    assertThat(limits.memoryBytes()).isEqualTo(Limits.DEFAULTS.memoryBytes());
  }

  @Test
  void runnerCeilingDefaultsAreThoseOfAPoolWithoutCeilings() {
    RunnerConfig.Ceiling c = config(Map.of()).limits().ceiling();

    assertThat(
            new FunctionCeilings(
                c.memoryBytes(), c.fuel(), c.timeout(), c.stdoutBytes(), c.requestBytes()))
        .isEqualTo(FunctionCeilings.DEFAULTS);
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
    assertThat(config.recording().spool().segmentBytes())
        .isEqualTo(SpoolConfig.DEFAULT_SEGMENT_BYTES);
    assertThat(config.recording().spool().maxBytes()).isEqualTo(SpoolConfig.DEFAULT_MAX_BYTES);
  }

  private static PropertiesConfigSource jvmPropertiesOnly() {
    Map<String, String> properties = new java.util.HashMap<>();
    System.getProperties()
        .stringPropertyNames()
        .forEach(
            name -> {
              if (!name.startsWith("runner.")) {
                properties.put(name, System.getProperty(name));
              }
            });
    return new PropertiesConfigSource(properties, "jvm properties", 400);
  }

  /** RunnerConfig as the runner builds it at startup, with {@code env} as its environment. */
  private static RunnerConfig config(Map<String, String> env) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(RunnerConfig.class)
            // System properties for the ${java.io.tmpdir} kind of default only: a @QuarkusTest
            // profile of the same JVM may have left runner.* overrides behind as properties.
            .withSources(new EnvConfigSource(env, 300), jvmPropertiesOnly())
            // Quarkus' own converter, so "20ms" parses as it does in the application.
            .withConverter(Duration.class, 200, new DurationConverter())
            .addDefaultInterceptors()
            .build();
    return config.getConfigMapping(RunnerConfig.class);
  }
}
