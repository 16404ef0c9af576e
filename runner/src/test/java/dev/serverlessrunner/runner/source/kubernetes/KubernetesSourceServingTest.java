package dev.serverlessrunner.runner.source.kubernetes;

import static dev.serverlessrunner.runner.source.kubernetes.TestCluster.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.EngineOptions;
import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.load.ModuleDigest;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The source feeding the runner's real function registry: compiled, swapped and dropped. */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubernetesSourceServingTest {

  private static final byte[] GREETER = Guests.bytes("greeter");
  private static final byte[] FIB = Guests.bytes("fib");

  KubernetesClient client;
  private final Engine engine = new Engine(EngineOptions.defaults(), new SimpleMeterRegistry());
  private final FunctionRegistry functions =
      new FunctionRegistry(engine, Limits.DEFAULTS, 1 << 20, new SimpleMeterRegistry());
  private KubernetesFunctionSource source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
    engine.close();
  }

  private String servedDigest(String name) {
    return functions.lookup(name).map(f -> f.module().digest()).orElse(null);
  }

  @Test
  void functionIsServedSwappedToItsNewDigestAndDroppedWhenDeleted() {
    TestCluster cluster = new TestCluster(client);
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", "blue", "module", spec -> {});
    cluster.resolve("hello", GREETER);
    source =
        new KubernetesFunctionSource(
            client,
            KubernetesSourceOptions.builder(NAMESPACE, "blue").build(),
            new RegistryClient(RegistryClientOptions.defaults()),
            null);

    source.start(functions);
    assertThat(servedDigest("hello")).isEqualTo(ModuleDigest.of(GREETER));

    cluster.moduleConfigMap("module", FIB);
    cluster.resolve("hello", FIB);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ModuleDigest.of(FIB).equals(servedDigest("hello")));

    cluster.delete("hello");
    await().atMost(Duration.ofSeconds(20)).until(() -> functions.lookup("hello").isEmpty());
    assertThat(functions.problems()).isEmpty();
  }

  @Test
  void functionOverThePoolsCeilingIsRefusedAndOneWithinIsServed() {
    FunctionRegistry strict =
        new FunctionRegistry(
            engine,
            Limits.DEFAULTS,
            1 << 20,
            new FunctionCeilings(
                64L << 20, 1_000_000_000L, Duration.ofSeconds(5), 1 << 20, 1 << 20),
            new SimpleMeterRegistry());
    TestCluster cluster = new TestCluster(client);
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction(
        "greedy", "blue", "module", spec -> spec.setLimits(limits("256Mi", "30s")));
    cluster.configMapFunction(
        "modest", "blue", "module", spec -> spec.setLimits(limits("32Mi", "5s")));
    cluster.resolve("greedy", GREETER);
    cluster.resolve("modest", GREETER);
    source =
        new KubernetesFunctionSource(
            client,
            KubernetesSourceOptions.builder(NAMESPACE, "blue").build(),
            new RegistryClient(RegistryClientOptions.defaults()),
            null);

    source.start(strict);

    assertThat(strict.lookup("greedy")).isEmpty();
    assertThat(strict.problems().get("greedy"))
        .contains("spec.functionLimits.max", "memory 256Mi > 64Mi", "timeout 30s > 5s");
    assertThat(strict.lookup("modest")).isPresent();
  }

  private static FunctionLimits limits(String memory, String timeout) {
    FunctionLimits limits = new FunctionLimits();
    limits.setMemory(memory);
    limits.setTimeout(timeout);
    return limits;
  }
}
