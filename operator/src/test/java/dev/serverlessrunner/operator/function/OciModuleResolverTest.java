package dev.serverlessrunner.operator.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.Digests;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestFunctions;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How registry outcomes become resolutions: reasons, user error or outage, digest and size. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OciModuleResolverTest {
  private static final String NS = "team";
  private static final String MODULE_DIGEST = Digests.sha256(TestFunctions.MODULE);
  private static final long MODULE_SIZE = TestFunctions.MODULE.length;

  private final Map<String, Secret> secrets = new HashMap<>();
  private FakeRegistry registry;
  private OciModuleResolver resolver;
  private RunnerModuleCheck.PoolCheck check;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    registry.putWasm("team/hello", "1.0", TestFunctions.MODULE);
    secrets.put("pull", pullSecret(".dockerconfigjson", dockerConfig(true)));
    resolver = resolver(Map.of());
  }

  @AfterEach
  void stop() {
    resolver.close();
    registry.close();
  }

  private OciModuleResolver resolver(Map<String, String> properties) {
    check = new RunnerModuleCheck(TestConfig.with(properties)).forPool(Optional.empty());
    return new OciModuleResolver(
        new RegistryClient(OciModuleResolver.options(TestConfig.with(properties).sources())));
  }

  private String dockerConfig(boolean withAuths) {
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (FakeRegistry.USER + ":" + FakeRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
    String entries = "{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}";
    return withAuths ? "{\"auths\":" + entries + "}" : entries;
  }

  private static Secret pullSecret(String key, String json) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("pull")
        .withNamespace(NS)
        .endMetadata()
        .addToData(key, Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  private OciSource source(String tail, String pullSecret) {
    OciSource source = new OciSource();
    source.setRef(registry.host() + "/" + tail);
    if (pullSecret != null) {
      source.setPullSecretRef(new LocalObjectReference(pullSecret));
    }
    return source;
  }

  private SourceResolution resolve(OciSource source) {
    return resolver.resolve(source, NS, secrets::get, check);
  }

  @Test
  void tagResolvesThroughThePullSecretToTheModuleDigestAndSize() {
    SourceResolution resolution = resolve(source("team/hello:1.0", "pull"));

    assertThat(resolution)
        .isInstanceOfSatisfying(
            SourceResolution.Resolved.class,
            r -> {
              assertThat(r.digest()).isEqualTo(MODULE_DIGEST);
              assertThat(r.sizeBytes()).isEqualTo(MODULE_SIZE);
              assertThat(r.origin()).contains("team/hello:1.0").contains("manifest sha256:");
            });
  }

  @Test
  void moduleTheRunnersRefuseIsPolicyRefusedWithTheValidatorsReason() {
    registry.putWasm("team/hello", "simd", Guests.bytes("simd"));

    assertThat(resolve(source("team/hello:simd", "pull")))
        .isInstanceOfSatisfying(
            SourceResolution.Invalid.class,
            i -> {
              assertThat(i.reason()).isEqualTo(RunnerModuleCheck.POLICY_REFUSED);
              assertThat(i.message()).contains("uses SIMD");
            });
  }

  @Test
  void aCheckedModuleIsNotPulledAgain() {
    resolve(source("team/hello:1.0", "pull"));
    resolve(source("team/hello:1.0", "pull"));

    assertThat(registry.blobPulls()).isEqualTo(1);
  }

  @Test
  void legacyDockercfgSecretIsAccepted() {
    secrets.put("pull", pullSecret(".dockercfg", dockerConfig(false)));

    assertThat(resolve(source("team/hello:1.0", "pull")))
        .isInstanceOf(SourceResolution.Resolved.class);
  }

  @Test
  void missingCredentialsAreUnauthorizedAndAUserError() {
    assertThat(reasonOf(resolve(source("team/hello:1.0", null)))).isEqualTo("RegistryUnauthorized");
  }

  @Test
  void missingPullSecretIsPullSecretNotFound() {
    assertThat(resolve(source("team/hello:1.0", "absent")))
        .isInstanceOfSatisfying(
            SourceResolution.Invalid.class,
            i -> {
              assertThat(i.reason()).isEqualTo("PullSecretNotFound");
              assertThat(i.message()).contains("team/absent");
            });
  }

  @Test
  void pullSecretWithoutDockerConfigIsPullSecretInvalid() {
    secrets.put("pull", pullSecret("token", "abc"));

    assertThat(reasonOf(resolve(source("team/hello:1.0", "pull")))).isEqualTo("PullSecretInvalid");
  }

  @Test
  void unknownTagIsManifestNotFound() {
    assertThat(reasonOf(resolve(source("team/hello:nope", "pull")))).isEqualTo("ManifestNotFound");
  }

  @Test
  void containerImageIsNotAWasmArtifact() {
    registry.put(
        "team/hello",
        "image",
        FakeRegistry.wasmManifest(
            "application/vnd.oci.image.layer.v1.tar+gzip", MODULE_DIGEST, MODULE_SIZE));

    assertThat(resolve(source("team/hello:image", "pull")))
        .isInstanceOfSatisfying(
            SourceResolution.Invalid.class,
            i -> {
              assertThat(i.reason()).isEqualTo("NotWasmArtifact");
              assertThat(i.message()).contains("tar+gzip");
            });
  }

  @Test
  void pinnedDigestThatDiffersFromTheServedManifestIsDigestMismatch() {
    String pinned = "sha256:" + "b".repeat(64);
    registry.put(
        "team/hello",
        pinned,
        FakeRegistry.wasmManifest("application/wasm", MODULE_DIGEST, MODULE_SIZE));
    OciSource source = source("team/hello:1.0", "pull");
    source.setDigest(pinned);

    assertThat(reasonOf(resolve(source))).isEqualTo("DigestMismatch");
  }

  @Test
  void layerLargerThanMaxModuleBytesIsModuleTooLarge() {
    resolver.close();
    resolver = resolver(Map.of("serverlessrunner.operator.sources.max-module-bytes", "100"));

    assertThat(reasonOf(resolve(source("team/hello:1.0", "pull")))).isEqualTo("ModuleTooLarge");
  }

  @Test
  void malformedReferenceIsInvalidReference() {
    OciSource source = new OciSource();
    source.setRef("Registry.example.com/Team/Hello:1.0");

    assertThat(reasonOf(resolve(source))).isEqualTo("InvalidReference");
  }

  @Test
  void unreachableRegistryIsAnOutageNotAUserError() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    OciSource source = new OciSource();
    source.setRef("127.0.0.1:" + closedPort + "/team/hello:1.0");

    assertThat(resolve(source))
        .isInstanceOfSatisfying(
            SourceResolution.Unavailable.class,
            u -> assertThat(u.reason()).isEqualTo("RegistryUnavailable"));
  }

  @Test
  void settingsBecomeClientOptions() {
    RegistryClientOptions options =
        OciModuleResolver.options(
            TestConfig.with(
                    Map.of(
                        "serverlessrunner.operator.sources.insecure-registries",
                        "registry.internal:5000",
                        "serverlessrunner.operator.sources.registry-timeout",
                        "3s",
                        "serverlessrunner.operator.sources.max-module-bytes",
                        "1000"))
                .sources());

    assertThat(options.plainHttpHosts())
        .contains("registry.internal:5000")
        .containsAll(RegistryClientOptions.DEFAULT_PLAIN_HTTP_HOSTS);
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.maxBlobBytes()).isEqualTo(1000);
  }

  private static String reasonOf(SourceResolution resolution) {
    assertThat(resolution).isInstanceOf(SourceResolution.Invalid.class);
    return ((SourceResolution.Invalid) resolution).reason();
  }
}
