package dev.serverlessrunner.runner.source.kubernetes;

import static dev.serverlessrunner.runner.source.kubernetes.TestCluster.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.load.ModuleDigest;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.BlobCache;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubernetesOciSourceTest {

  private static final String POOL = "blue";
  private static final byte[] GREETER = Guests.bytes("greeter");
  private static final byte[] FIB = Guests.bytes("fib");
  private static final String GREETER_DIGEST = ModuleDigest.of(GREETER);

  KubernetesClient client;
  @TempDir Path cacheDir;
  private TestCluster cluster;
  private FakeBlobRegistry registry;
  private BlobCache cache;
  private final RecordingListener listener = new RecordingListener();
  private KubernetesFunctionSource source;

  @BeforeEach
  void setUp() {
    cluster = new TestCluster(client);
    registry = new FakeBlobRegistry();
    cache = BlobCache.open(cacheDir);
  }

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    registry.close();
  }

  private void start() {
    RegistryClientOptions options =
        RegistryClientOptions.builder()
            .connectTimeout(Duration.ofSeconds(2))
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    source =
        new KubernetesFunctionSource(
            client,
            KubernetesSourceOptions.builder(NAMESPACE, POOL)
                .preloadTimeout(Duration.ofSeconds(5))
                .retry(Duration.ofMillis(50), Duration.ofMillis(200))
                .build(),
            new RegistryClient(options, cache),
            cache);
    source.start(listener);
  }

  private String ref() {
    return registry.host() + "/team/hello:1.0";
  }

  @Test
  void moduleIsPulledByItsResolvedDigestWithThePullSecretsLogin() {
    registry.putBlob(GREETER_DIGEST, GREETER);
    registry.requireBasicAuth("robot", "s3cret");
    cluster.pullSecret("registry-login", registry.host(), "robot", "s3cret");
    cluster.ociFunction("hello", POOL, ref(), "registry-login");
    cluster.resolve("hello", GREETER);

    start();

    assertThat(listener.upserts("hello"))
        .singleElement()
        .satisfies(d -> assertThat(d.module()).isEqualTo(GREETER));
    assertThat(registry.requests()).contains("/v2/team/hello/blobs/" + GREETER_DIGEST);
    assertThat(cache.contains(GREETER_DIGEST)).isTrue();
  }

  @Test
  void cachedModuleIsServedWithoutAskingTheRegistry() {
    cache.put(GREETER_DIGEST, GREETER);
    cluster.ociFunction("hello", POOL, ref());
    cluster.resolve("hello", GREETER);

    start();

    assertThat(listener.upserts("hello")).hasSize(1);
    assertThat(registry.requests()).isEmpty();
  }

  @Test
  void tamperedBlobIsRefusedAndNotUpserted() {
    registry.putBlob(GREETER_DIGEST, FIB);
    cluster.ociFunction("hello", POOL, ref());
    cluster.resolve("hello", GREETER);

    start();

    assertThat(listener.of("hello"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("invalid");
              assertThat(e.reason()).contains(GREETER_DIGEST).contains("tampered");
            });
    assertThat(cache.contains(GREETER_DIGEST)).isFalse();
  }

  @Test
  void missingPullSecretIsReported() {
    registry.putBlob(GREETER_DIGEST, GREETER);
    cluster.ociFunction("hello", POOL, ref(), "nowhere");
    cluster.resolve("hello", GREETER);

    start();

    assertThat(listener.of("hello"))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("pull Secret functions/nowhere"));
  }

  @Test
  void unreachableRegistryIsReportedAndRetriedUntilThePreloadTimeout() {
    String unreachable = registry.host() + "/team/hello:1.0";
    registry.close();
    cluster.ociFunction("hello", POOL, unreachable);
    cluster.resolve("hello", GREETER);

    long started = System.nanoTime();
    start();

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(listener.of("hello"))
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("retrying"));
  }
}
