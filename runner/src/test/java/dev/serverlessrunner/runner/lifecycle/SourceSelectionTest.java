package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.source.FunctionSource;
import dev.serverlessrunner.runner.source.kubernetes.KubernetesFunctionSource;
import dev.serverlessrunner.runner.source.kubernetes.KubernetesSourceOptions;
import dev.serverlessrunner.runner.source.local.DirectoryFunctionSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient
class SourceSelectionTest {

  KubernetesClient client;
  @TempDir Path blobCache;

  private RunnerConfig config(Map<String, String> settings) {
    Map<String, String> properties = new HashMap<>(settings);
    properties.put("runner.kubernetes.blob-cache-dir", blobCache.toString());
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
  void configuredPoolSelectsTheKubernetesSourceInTheClientsNamespace() {
    RunnerConfig config =
        config(
            Map.of(
                "runner.kubernetes.pool", "blue",
                "runner.kubernetes.preload-timeout", "5s"));

    FunctionSource source = RunnerBeans.selectSource(config, () -> client);

    assertThat(source).isInstanceOf(KubernetesFunctionSource.class);
    KubernetesSourceOptions options = ((KubernetesFunctionSource) source).options();
    assertThat(options.pool()).isEqualTo("blue");
    assertThat(options.namespace()).isEqualTo(client.getNamespace());
    assertThat(options.preloadTimeout()).isEqualTo(Duration.ofSeconds(5));
    source.close();
  }

  @Test
  void configuredNamespaceWinsOverTheClients() {
    RunnerConfig config =
        config(Map.of("runner.kubernetes.pool", "blue", "runner.kubernetes.namespace", "team-a"));

    FunctionSource source = RunnerBeans.selectSource(config, () -> client);

    assertThat(((KubernetesFunctionSource) source).options().namespace()).isEqualTo("team-a");
    source.close();
  }

  @Test
  void withoutAPoolTheDirectorySourceIsUsedAndNoClientIsCreated() {
    AtomicBoolean clientAsked = new AtomicBoolean();

    FunctionSource source =
        RunnerBeans.selectSource(
            config(Map.of()),
            () -> {
              clientAsked.set(true);
              return client;
            });

    assertThat(source).isInstanceOf(DirectoryFunctionSource.class);
    assertThat(clientAsked).isFalse();
  }
}
