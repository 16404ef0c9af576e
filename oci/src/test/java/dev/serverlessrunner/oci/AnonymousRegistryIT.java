package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.cli.WasmPushRunner;
import dev.serverlessrunner.oci.testsupport.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Push and pull against a real registry without authentication. */
@Timeout(60)
class AnonymousRegistryIT {

  private static final RegistryCredentials ANONYMOUS = RegistryCredentials.anonymous();
  private static LocalRegistry registry;

  private final RegistryClient client = new RegistryClient(RegistryClientOptions.defaults());

  @BeforeAll
  static void startRegistry() {
    registry = LocalRegistry.start();
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void modulePushedWithTheCommandPullsByTagAndByDigestUnchanged() {
    byte[] greeter = Guests.bytes("greeter");
    WasmPushRunner.Outcome pushed =
        WasmPushRunner.run(
            Guests.path("greeter").toString(), registry.registry() + "/fn/greeter:v1");
    assertThat(pushed.exitCode()).as(pushed.stderr()).isZero();

    WasmArtifact byTag = client.pullWasm(registry.reference("fn/greeter:v1"), ANONYMOUS);
    WasmArtifact byDigest = client.pullWasm(OciReference.parse(pushed.reference()), ANONYMOUS);

    assertThat(byTag.wasm()).isEqualTo(greeter);
    assertThat(byDigest.wasm()).isEqualTo(greeter);
    assertThat(byTag.moduleDigest())
        .isEqualTo(byDigest.moduleDigest())
        .isEqualTo(Digests.sha256(greeter))
        .isEqualTo(pushed.moduleDigest());
    assertThat(byTag.manifestDigest()).isEqualTo(byDigest.manifestDigest());
    assertThat(pushed.reference()).endsWith("/fn/greeter@" + byTag.manifestDigest());
    assertThat(byTag.layerMediaType()).isEqualTo(MediaTypes.WASM_LAYER);
  }

  @Test
  void resolveReportsTheManifestDigestThePushReported() {
    PushResult pushed =
        client.pushWasm(registry.reference("fn/resolve:v1"), Guests.bytes("fib"), ANONYMOUS);

    ManifestDescriptor resolved = client.resolve(registry.reference("fn/resolve:v1"), ANONYMOUS);

    assertThat(resolved.digest()).isEqualTo(pushed.manifestDigest());
    assertThat(resolved.manifest().config().mediaType()).isEqualTo(MediaTypes.WASM_CONFIG);
    assertThat(resolved.manifest().layers())
        .extracting(Descriptor::mediaType, Descriptor::digest)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(MediaTypes.WASM_LAYER, pushed.moduleDigest()));
  }

  @Test
  void resolveWasmGivesTheModuleDigestAndSizeWithoutDownloadingIt() {
    byte[] module = Guests.bytes("sha256-loop");
    PushResult pushed = client.pushWasm(registry.reference("fn/meta:v1"), module, ANONYMOUS);
    long blobGets = registry.countRequests("GET /v2/fn/meta/blobs/");

    ResolvedWasm resolved = client.resolveWasm(registry.reference("fn/meta:v1"), ANONYMOUS);

    assertThat(resolved.moduleDigest()).isEqualTo(Digests.sha256(module));
    assertThat(resolved.moduleSize()).isEqualTo(module.length);
    assertThat(resolved.manifestDigest()).isEqualTo(pushed.manifestDigest());
    assertThat(resolved.reference()).isEqualTo(pushed.reference());
    assertThat(registry.countRequests("GET /v2/fn/meta/blobs/")).isEqualTo(blobGets);
  }

  @Test
  void pushingTheSameModuleTwiceGivesTheSameManifestDigest() {
    byte[] echo = Guests.bytes("echo");
    PushResult first = client.pushWasm(registry.reference("fn/echo:a"), echo, ANONYMOUS);
    PushResult second = client.pushWasm(registry.reference("fn/echo:b"), echo, ANONYMOUS);

    assertThat(second.manifestDigest()).isEqualTo(first.manifestDigest());
  }

  @Test
  void tamperedBlobIsRefused() throws IOException {
    byte[] module = Guests.bytes("env-dump");
    PushResult pushed = client.pushWasm(registry.reference("fn/tampered:v1"), module, ANONYMOUS);
    Path stored = registry.blobFile(pushed.moduleDigest());
    byte[] corrupt = Files.readAllBytes(stored);
    corrupt[corrupt.length / 2] ^= 0x5a;
    Files.write(stored, corrupt);

    assertThatThrownBy(() -> client.pullWasm(registry.reference("fn/tampered:v1"), ANONYMOUS))
        .isInstanceOfSatisfying(
            OciException.class,
            e -> assertThat(e.kind()).isEqualTo(OciException.Kind.DIGEST_MISMATCH))
        .hasMessageContaining(pushed.moduleDigest())
        .hasMessageContaining("tampered");
  }

  @Test
  void missingTagIsNotFoundNamingTheReference() {
    client.pushWasm(registry.reference("fn/tags:present"), Guests.bytes("greeter"), ANONYMOUS);
    OciReference missing = registry.reference("fn/tags:absent");

    assertThatThrownBy(() -> client.pullWasm(missing, ANONYMOUS))
        .isInstanceOfSatisfying(
            OciException.class, e -> assertThat(e.kind()).isEqualTo(OciException.Kind.NOT_FOUND))
        .hasMessageContaining(missing.toString());
  }

  @Test
  void missingRepositoryIsNotFound() {
    assertThatThrownBy(() -> client.resolve(registry.reference("no/such-repo:v1"), ANONYMOUS))
        .isInstanceOfSatisfying(
            OciException.class, e -> assertThat(e.kind()).isEqualTo(OciException.Kind.NOT_FOUND));
  }

  @Test
  void artifactWithAnotherLayerTypeIsUnsupportedAndListsTheTypesFound() {
    OciReference target = registry.reference("fn/image:v1");
    pushSingleLayer(
        target,
        "application/vnd.oci.image.config.v1+json",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        Guests.bytes("greeter"));

    assertThatThrownBy(() -> client.pullWasm(target, ANONYMOUS))
        .isInstanceOfSatisfying(
            OciException.class,
            e -> assertThat(e.kind()).isEqualTo(OciException.Kind.UNSUPPORTED_ARTIFACT))
        .hasMessageContaining("application/vnd.oci.image.layer.v1.tar+gzip");
  }

  @Test
  void spinLayerTypeIsAccepted() {
    OciReference target = registry.reference("fn/spin:v1");
    byte[] module = Guests.bytes("greeter");
    pushSingleLayer(
        target,
        "application/vnd.fermyon.spin.application.v1+config",
        MediaTypes.SPIN_WASM_LAYER,
        module);

    WasmArtifact pulled = client.pullWasm(target, ANONYMOUS);

    assertThat(pulled.wasm()).isEqualTo(module);
    assertThat(pulled.layerMediaType()).isEqualTo(MediaTypes.SPIN_WASM_LAYER);
  }

  @Test
  void layerOverTheSizeLimitIsRefusedBeforeDownloading() {
    OciReference target = registry.reference("fn/big:v1");
    client.pushWasm(target, Guests.bytes("greeter"), ANONYMOUS);
    long blobGetsBefore = registry.countRequests("GET /v2/fn/big/blobs/");

    try (RegistryClient small =
        new RegistryClient(RegistryClientOptions.builder().maxBlobBytes(1024).build())) {
      assertThatThrownBy(() -> small.pullWasm(target, ANONYMOUS))
          .isInstanceOfSatisfying(
              OciException.class, e -> assertThat(e.kind()).isEqualTo(OciException.Kind.TOO_LARGE));
    }
    assertThat(registry.countRequests("GET /v2/fn/big/blobs/")).isEqualTo(blobGetsBefore);
  }

  @Test
  void blobStreamLongerThanTheLimitIsTooLarge() {
    PushResult pushed =
        client.pushWasm(registry.reference("fn/big-blob:v1"), Guests.bytes("fib"), ANONYMOUS);

    try (RegistryClient small =
        new RegistryClient(RegistryClientOptions.builder().maxBlobBytes(1024).build())) {
      assertThatThrownBy(() -> small.pullBlob(pushed.reference(), pushed.moduleDigest(), ANONYMOUS))
          .isInstanceOfSatisfying(
              OciException.class, e -> assertThat(e.kind()).isEqualTo(OciException.Kind.TOO_LARGE))
          .hasMessageContaining(pushed.moduleDigest());
    }
  }

  @Test
  void pullBlobVerifiesAndReturnsTheModule() {
    byte[] module = Guests.bytes("trap");
    PushResult pushed = client.pushWasm(registry.reference("fn/blob:v1"), module, ANONYMOUS);

    assertThat(client.pullBlob(registry.reference("fn/blob:v1"), pushed.moduleDigest(), ANONYMOUS))
        .isEqualTo(module);
  }

  @Test
  void cachedModuleIsServedAfterRestartWithoutAnyRequest(@TempDir Path cacheDir) {
    byte[] module = Guests.bytes("fib");
    PushResult pushed = client.pushWasm(registry.reference("fn/cached:v1"), module, ANONYMOUS);
    try (RegistryClient first =
        new RegistryClient(RegistryClientOptions.defaults(), BlobCache.open(cacheDir))) {
      first.pullWasm(pushed.reference(), ANONYMOUS);
    }
    long before = registry.countRequests("/v2/fn/cached/");

    WasmArtifact again;
    byte[] blob;
    try (RegistryClient restarted =
        new RegistryClient(RegistryClientOptions.defaults(), BlobCache.open(cacheDir))) {
      again = restarted.pullWasm(pushed.reference(), ANONYMOUS);
      blob = restarted.pullBlob(pushed.reference(), pushed.moduleDigest(), ANONYMOUS);
    }

    assertThat(again.wasm()).isEqualTo(module);
    assertThat(blob).isEqualTo(module);
    assertThat(registry.countRequests("/v2/fn/cached/")).isEqualTo(before);
  }

  @Test
  void cachedModuleByTagFetchesOnlyTheManifest(@TempDir Path cacheDir) {
    OciReference tag = registry.reference("fn/cached-tag:v1");
    client.pushWasm(tag, Guests.bytes("echo"), ANONYMOUS);
    try (RegistryClient first =
        new RegistryClient(RegistryClientOptions.defaults(), BlobCache.open(cacheDir))) {
      first.pullWasm(tag, ANONYMOUS);
    }
    long blobGets = registry.countRequests("GET /v2/fn/cached-tag/blobs/");
    long manifestGets = registry.countRequests("GET /v2/fn/cached-tag/manifests/");

    try (RegistryClient restarted =
        new RegistryClient(RegistryClientOptions.defaults(), BlobCache.open(cacheDir))) {
      restarted.pullWasm(tag, ANONYMOUS);
    }

    assertThat(registry.countRequests("GET /v2/fn/cached-tag/blobs/")).isEqualTo(blobGets);
    assertThat(registry.countRequests("GET /v2/fn/cached-tag/manifests/"))
        .isEqualTo(manifestGets + 1);
  }

  @Test
  void indexWithOneWasmPlatformEntryPullsThatEntry() {
    byte[] module = Guests.bytes("greeter");
    PushResult entry = client.pushWasm(registry.reference("fn/indexed:entry"), module, ANONYMOUS);
    ManifestDescriptor resolved = client.resolve(entry.reference(), ANONYMOUS);
    String index =
        """
        {"schemaVersion":2,"mediaType":"%s","manifests":[
          {"mediaType":"%s","digest":"%s","size":%d,"platform":{"architecture":"wasm","os":"wasip1"}}]}
        """
            .formatted(
                MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, resolved.digest(), resolved.size());
    client.pushManifest(
        registry.reference("fn/indexed:v1"),
        MediaTypes.OCI_INDEX,
        index.getBytes(StandardCharsets.UTF_8),
        ANONYMOUS);

    WasmArtifact pulled = client.pullWasm(registry.reference("fn/indexed:v1"), ANONYMOUS);

    assertThat(pulled.wasm()).isEqualTo(module);
    assertThat(pulled.manifestDigest()).isEqualTo(entry.manifestDigest());
  }

  private void pushSingleLayer(
      OciReference target, String configType, String layerType, byte[] layer) {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String configDigest = client.pushBlob(target, config, ANONYMOUS);
    String layerDigest = client.pushBlob(target, layer, ANONYMOUS);
    byte[] manifest =
        WasmArtifactLayout.manifest(
            new Descriptor(configType, configDigest, config.length, null),
            List.of(new Descriptor(layerType, layerDigest, layer.length, null)));
    client.pushManifest(target, MediaTypes.OCI_MANIFEST, manifest, ANONYMOUS);
  }
}
