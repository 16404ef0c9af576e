package dev.serverlessrunner.runner.source.kubernetes;

import static dev.serverlessrunner.runner.source.kubernetes.TestCluster.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.Abi;
import dev.serverlessrunner.crd.function.Durability;
import dev.serverlessrunner.crd.function.FunctionEnvVar;
import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.engine.load.ModuleDigest;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import dev.serverlessrunner.runner.source.FunctionConfig;
import dev.serverlessrunner.runner.source.FunctionDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubernetesFunctionSourceTest {

  private static final String POOL = "blue";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final byte[] GREETER = Guests.bytes("greeter");
  private static final byte[] FIB = Guests.bytes("fib");

  KubernetesClient client;
  KubernetesMockServer server;
  private TestCluster cluster;
  private final RecordingListener listener = new RecordingListener();
  private KubernetesFunctionSource source;

  @BeforeEach
  void cluster() {
    cluster = new TestCluster(client);
  }

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private void start() {
    source =
        new KubernetesFunctionSource(
            client,
            KubernetesSourceOptions.builder(NAMESPACE, POOL)
                .preloadTimeout(Duration.ofSeconds(20))
                .build(),
            new RegistryClient(RegistryClientOptions.defaults()),
            null);
    source.start(listener);
  }

  private FunctionDefinition awaitUpsert(String name, byte[] module) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                listener.upserts(name).stream()
                    .filter(d -> ModuleDigest.of(d.module()).equals(ModuleDigest.of(module)))
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  private String awaitInvalid(String name) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                listener.of(name).stream()
                    .filter(e -> e.type().equals("invalid"))
                    .map(RecordingListener.Event::reason)
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  @Test
  void functionsResolvedBeforeStartAreUpsertedBeforeStartReturns() {
    cluster.moduleConfigMap("greeter-module", GREETER);
    cluster.configMapFunction("greeter", POOL, "greeter-module", spec -> {});
    cluster.resolve("greeter", GREETER);
    cluster.moduleConfigMap("fib-module", FIB);
    cluster.configMapFunction("fib", POOL, "fib-module", spec -> {});
    cluster.resolve("fib", FIB);

    start();

    assertThat(listener.upserts("greeter"))
        .singleElement()
        .satisfies(d -> assertThat(d.module()).isEqualTo(GREETER));
    assertThat(listener.upserts("fib"))
        .singleElement()
        .satisfies(d -> assertThat(d.module()).isEqualTo(FIB));
  }

  @Test
  void functionCreatedAfterStartIsUpsertedWithItsSettings() {
    start();
    cluster.moduleConfigMap("fib-module", FIB);
    cluster.configMapFunction(
        "fib",
        POOL,
        "fib-module",
        spec -> {
          FunctionLimits limits = new FunctionLimits();
          limits.setMemory("32Mi");
          limits.setFuel(5_000_000L);
          limits.setTimeout("1m30s");
          limits.setMaxStdoutBytes(4096L);
          limits.setMaxRequestBytes(1024L);
          spec.setLimits(limits);
          spec.setEnv(
              List.of(new FunctionEnvVar("GREETING", "hi"), new FunctionEnvVar("EMPTY", null)));
          spec.setArgs(List.of("one", "two"));
          spec.setAbi(Abi.CGI);
          spec.setDurability(Durability.SYNC);
        });
    cluster.resolve("fib", FIB);

    FunctionConfig config = awaitUpsert("fib", FIB).config();

    assertThat(config.limits())
        .isEqualTo(
            new FunctionConfig.LimitOverrides(
                32L << 20, 5_000_000L, Duration.ofSeconds(90), 4096L, 1024L));
    assertThat(config.env()).isEqualTo(Map.of("GREETING", "hi", "EMPTY", ""));
    assertThat(config.args()).containsExactly("one", "two");
    assertThat(config.abi()).isEqualTo(Abi.CGI);
    assertThat(config.durability()).isEqualTo(Durability.SYNC);
  }

  @Test
  void changedConfigMapIsServedOnceTheOperatorResolvesItsNewDigest() {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    cluster.resolve("hello", GREETER);
    start();

    cluster.moduleConfigMap("module", FIB);
    cluster.resolve("hello", FIB);

    awaitUpsert("hello", FIB);
    assertThat(listener.of("hello"))
        .extracting(RecordingListener.Event::type)
        .containsExactly("upsert", "upsert");
  }

  @Test
  void configMapsAreOnlyReadByNameSoTheRoleCanNameThem() throws Exception {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    cluster.resolve("hello", GREETER);
    start();
    cluster.moduleConfigMap("module", FIB);
    cluster.resolve("hello", FIB);
    awaitUpsert("hello", FIB);

    List<String> configMapRequests = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      var request = server.takeRequest(1, TimeUnit.SECONDS);
      // The test's own writes are POST and PUT; the runner only reads.
      if (request != null
          && request.getMethod().equals("GET")
          && request.getPath().contains("/configmaps")) {
        configMapRequests.add(request.getPath());
      }
    }
    // A list or watch (".../configmaps?...") cannot be limited by the Role's resourceNames.
    assertThat(configMapRequests)
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p).isEqualTo("/api/v1/namespaces/functions/configmaps/module"));
  }

  @Test
  void moduleWhoseConfigMapWasMissingLoadsOnceTheOperatorSeesItBack() {
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    cluster.resolve("hello", GREETER);
    start();
    assertThat(awaitInvalid("hello")).contains("does not exist");

    cluster.moduleConfigMap("module", GREETER);
    // The operator's status changes (SourceResolved flips back) while the digest stays the same.
    cluster.sourceResolved("hello", "True");

    awaitUpsert("hello", GREETER);
  }

  @Test
  void bytesThatDoNotMatchTheResolvedDigestAreReportedAndNotUpserted() {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    cluster.resolve("hello", FIB);

    start();

    assertThat(awaitInvalid("hello"))
        .contains("ConfigMap functions/module key module.wasm")
        .contains(ModuleDigest.of(FIB));
    assertThat(listener.upserts("hello")).isEmpty();
  }

  @Test
  void deletedFunctionIsRemoved() {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    cluster.resolve("hello", GREETER);
    start();

    cluster.delete("hello");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(listener.of("hello"))
                    .extracting(RecordingListener.Event::type)
                    .containsExactly("upsert", "remove"));
  }

  @Test
  void functionMovedToAnotherPoolIsRemoved() {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    cluster.resolve("hello", GREETER);
    start();

    cluster.editSpec("hello", spec -> spec.setPool("green"));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(listener.of("hello"))
                    .extracting(RecordingListener.Event::type)
                    .containsExactly("upsert", "remove"));
  }

  @Test
  void functionsOfAnotherPoolAreIgnored() {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("theirs", "green", "module", spec -> {});
    cluster.resolve("theirs", GREETER);
    start();
    cluster.configMapFunction("ours", POOL, "module", spec -> {});
    cluster.resolve("ours", GREETER);

    awaitUpsert("ours", GREETER);

    assertThat(listener.of("theirs")).isEmpty();
  }

  @Test
  void functionIsNotServedUntilTheOperatorResolvesIt() {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    start();
    cluster.moduleConfigMap("other-module", FIB);
    cluster.configMapFunction("marker", POOL, "other-module", spec -> {});
    cluster.resolve("marker", FIB);
    awaitUpsert("marker", FIB);
    assertThat(listener.of("hello")).isEmpty();

    cluster.resolve("hello", GREETER);

    awaitUpsert("hello", GREETER);
  }

  @Test
  void newSettingsForTheSameModuleAreUpsertedOnceTheOperatorObservesThem() {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    cluster.resolve("hello", GREETER);
    start();

    cluster.editSpec("hello", spec -> spec.setArgs(List.of("again")));
    cluster.resolve("hello", GREETER);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(listener.upserts("hello"))
                    .extracting(d -> d.config().args())
                    .containsExactly(List.of(), List.of("again")));
  }

  @Test
  void brokenNewSourceIsReportedWhileTheServedVersionStays() {
    cluster.moduleConfigMap("module", GREETER);
    cluster.configMapFunction("hello", POOL, "module", spec -> {});
    cluster.resolve("hello", GREETER);
    start();

    // The operator keeps the last good digest when the new source cannot be resolved.
    cluster.editSpec("hello", spec -> spec.getSource().getConfigMap().setName("missing"));
    cluster.resolve("hello", GREETER);

    assertThat(awaitInvalid("hello")).contains("ConfigMap functions/missing");
    assertThat(listener.of("hello"))
        .extracting(RecordingListener.Event::type)
        .containsExactly("upsert", "invalid");
  }

  @Test
  void unavailableModuleIsRetriedAndThePreloadWaitsForIt() {
    AtomicInteger attempts = new AtomicInteger();
    ModuleFetcher flakyRegistry =
        (fn, digest) -> {
          if (attempts.incrementAndGet() < 3) {
            throw new ModuleUnavailableException("registry answered 503", null);
          }
          return new FetchedModule(GREETER, "test registry");
        };
    cluster.ociFunction("remote", POOL, "registry.example.com/team/remote:1.0");
    cluster.resolve("remote", GREETER);
    source =
        new KubernetesFunctionSource(
            client,
            KubernetesSourceOptions.builder(NAMESPACE, POOL)
                .preloadTimeout(Duration.ofSeconds(20))
                .retry(Duration.ofMillis(20), Duration.ofMillis(40))
                .build(),
            flakyRegistry);

    source.start(listener);

    assertThat(attempts).hasValue(3);
    assertThat(listener.of("remote"))
        .extracting(RecordingListener.Event::type)
        .containsExactly("invalid", "upsert");
    assertThat(listener.of("remote").get(0).reason()).contains("503").contains("retrying");
  }

  @Test
  void preloadGivesUpAfterItsTimeoutAndTheModuleIsServedWhenItArrives() {
    AtomicBoolean registryUp = new AtomicBoolean();
    ModuleFetcher registry =
        (fn, digest) -> {
          if (!registryUp.get()) {
            throw new ModuleUnavailableException("connection refused", null);
          }
          return new FetchedModule(GREETER, "test registry");
        };
    cluster.ociFunction("remote", POOL, "registry.example.com/team/remote:1.0");
    cluster.resolve("remote", GREETER);
    source =
        new KubernetesFunctionSource(
            client,
            KubernetesSourceOptions.builder(NAMESPACE, POOL)
                .preloadTimeout(Duration.ofMillis(500))
                .retry(Duration.ofMillis(20), Duration.ofMillis(40))
                .build(),
            registry);

    source.start(listener);
    assertThat(listener.upserts("remote")).isEmpty();
    registryUp.set(true);

    awaitUpsert("remote", GREETER);
  }
}
