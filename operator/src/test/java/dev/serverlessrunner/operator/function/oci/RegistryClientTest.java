package dev.serverlessrunner.operator.function.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegistryClientTest {
  private static final String LAYER =
      "sha256:93a44bbb96c751218e4c00d479e4c14358122a389acca16205b1e4d0dc5f9476";
  private static final String WASM_MANIFEST =
      """
      {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
       "config":{"mediaType":"application/vnd.wasm.config.v0+json","digest":"sha256:00","size":2},
       "layers":[{"mediaType":"application/wasm","digest":"%s","size":8}]}
      """
          .formatted(LAYER);
  private static final Optional<RegistryCredentials> CREDENTIALS =
      Optional.of(new RegistryCredentials(FakeRegistry.USER, FakeRegistry.PASSWORD));

  private FakeRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    client = new RegistryClient(Duration.ofSeconds(5), Set.of(registry.host()));
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private OciReference ref(String tail) {
    return OciReference.parse(registry.host() + "/" + tail);
  }

  @Test
  void tagResolvesToTheWasmLayerThroughTheBearerTokenFlow() throws RegistryException {
    registry.put("team/hello", "1.0", WASM_MANIFEST);

    RegistryClient.WasmManifest manifest = client.resolve(ref("team/hello:1.0"), CREDENTIALS);

    assertThat(manifest.layerDigest()).isEqualTo(LAYER);
    assertThat(manifest.layerSize()).isEqualTo(8);
    assertThat(manifest.manifestDigest()).startsWith("sha256:");
  }

  @Test
  void spinLayerTypeIsAccepted() throws RegistryException {
    registry.put(
        "team/hello",
        "spin",
        WASM_MANIFEST.replace("application/wasm", "application/vnd.wasm.content.layer.v1+wasm"));

    assertThat(client.resolve(ref("team/hello:spin"), CREDENTIALS).layerDigest()).isEqualTo(LAYER);
  }

  @Test
  void missingCredentialsAreAUserError() {
    registry.put("team/hello", "1.0", WASM_MANIFEST);

    assertThatThrownBy(() -> client.resolve(ref("team/hello:1.0"), Optional.empty()))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("RegistryUnauthorized");
              assertThat(e.isUserError()).isTrue();
            });
  }

  @Test
  void unknownTagIsManifestNotFound() {
    assertThatThrownBy(() -> client.resolve(ref("team/hello:nope"), CREDENTIALS))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.reason()).isEqualTo("ManifestNotFound"));
  }

  @Test
  void containerImageIsNotAWasmArtifact() {
    registry.put(
        "team/hello",
        "image",
        WASM_MANIFEST.replace("application/wasm", "application/vnd.oci.image.layer.v1.tar+gzip"));

    assertThatThrownBy(() -> client.resolve(ref("team/hello:image"), CREDENTIALS))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("NotWasmArtifact");
              assertThat(e.getMessage()).contains("tar+gzip");
            });
  }

  @Test
  void pinnedDigestThatDiffersFromTheServedManifestIsRefused() {
    registry.put("team/hello", "sha256:" + "b".repeat(64), WASM_MANIFEST);

    assertThatThrownBy(
            () -> client.resolve(ref("team/hello@sha256:" + "b".repeat(64)), CREDENTIALS))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.reason()).isEqualTo("DigestMismatch"));
  }

  @Test
  void unreachableRegistryIsAnOutageNotAUserError() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String host = "127.0.0.1:" + closedPort;
    RegistryClient plain = new RegistryClient(Duration.ofSeconds(2), Set.of(host));

    assertThatThrownBy(
            () -> plain.resolve(OciReference.parse(host + "/team/hello:1.0"), CREDENTIALS))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("RegistryUnavailable");
              assertThat(e.isUserError()).isFalse();
            });
  }
}
