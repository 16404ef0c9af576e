package dev.serverlessrunner.oci;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Client of the OCI distribution API v2 for Wasm modules: resolves references, pulls and pushes
 * single-layer Wasm artifacts, verifying every digest and size. Thread-safe; share one per process.
 * With a {@link BlobCache}, blobs and manifests fetched by digest are served from disk.
 */
public final class RegistryClient implements AutoCloseable {

  private static final long SMALL_ANSWER_LIMIT = 1 << 20;

  private final RegistryClientOptions options;
  private final Transport transport;
  private final Authenticator authenticator;
  private final BlobCache cache;

  /** A client without a disk cache. */
  public RegistryClient(RegistryClientOptions options) {
    this(options, null);
  }

  /** A client that reads and fills {@code cache} ({@code null} for none). */
  public RegistryClient(RegistryClientOptions options, BlobCache cache) {
    this.options = options;
    this.transport = new Transport(options);
    this.authenticator = new Authenticator(transport);
    this.cache = cache;
  }

  public RegistryClientOptions options() {
    return options;
  }

  /** The manifest {@code ref} names, with its verified digest. */
  public ManifestDescriptor resolve(OciReference ref, RegistryCredentials creds) {
    String what = "manifest " + ref;
    if (ref.digest() != null && cache != null) {
      Optional<byte[]> cached = cache.get(ref.digest());
      if (cached.isPresent()) {
        byte[] body = cached.get();
        return new ManifestDescriptor(
            ref, ref.digest(), body.length, Manifest.parse(body, null, what));
      }
    }
    Transport.Response r =
        exchange(
            ref,
            pullScope(ref),
            creds,
            "GET",
            uri(ref, "/manifests/" + ref.manifestReference()),
            Map.of("Accept", MediaTypes.MANIFEST_ACCEPT),
            null,
            options.maxManifestBytes(),
            what);
    if (r.status() == 404) {
      throw new OciException(
          OciException.Kind.NOT_FOUND,
          what
              + " not found: the "
              + (ref.digest() != null ? "digest" : "tag")
              + " or the repository does not exist"
              + " ("
              + RegistryErrors.failure(r, what).getMessage().replace(what + ": ", "")
              + ")");
    }
    if (r.status() != 200) {
      throw RegistryErrors.failure(r, what);
    }
    byte[] body = r.body();
    String digest = Digests.sha256(body);
    if (ref.digest() != null && !ref.digest().equals(digest)) {
      throw new OciException(
          OciException.Kind.DIGEST_MISMATCH,
          what + ": the registry returned a manifest hashing to " + digest + "; refusing it");
    }
    Optional<String> header = r.header("Docker-Content-Digest");
    if (header.isPresent() && header.get().startsWith("sha256:") && !header.get().equals(digest)) {
      throw new OciException(
          OciException.Kind.DIGEST_MISMATCH,
          what
              + ": the registry says the manifest digest is "
              + header.get()
              + " but its bytes hash to "
              + digest
              + "; refusing it");
    }
    Manifest manifest = Manifest.parse(body, r.header("Content-Type").orElse(null), what);
    if (cache != null && ref.digest() != null) {
      cache.put(digest, body);
    }
    return new ManifestDescriptor(ref, digest, body.length, manifest);
  }

  /**
   * The Wasm module {@code ref} names, from its manifest (or index entry) alone: digests and size,
   * for a caller that records them before (or instead of) downloading the module.
   */
  public ResolvedWasm resolveWasm(OciReference ref, RegistryCredentials creds) {
    ManifestDescriptor resolved = resolve(ref, creds);
    if (resolved.manifest().isIndex()) {
      Descriptor entry = WasmLayers.selectFromIndex(resolved);
      resolved = resolve(ref.pinned(entry.digest()), creds);
    }
    Descriptor layer = WasmLayers.select(resolved);
    if (layer.size() > options.maxBlobBytes()) {
      throw new OciException(
          OciException.Kind.TOO_LARGE,
          ref
              + ": the Wasm layer is "
              + layer.size()
              + " bytes, more than the limit of "
              + options.maxBlobBytes());
    }
    return new ResolvedWasm(
        resolved.pinned(), resolved.digest(), layer.digest(), layer.size(), layer.mediaType());
  }

  /** The Wasm module {@code ref} names: manifest (or index entry) → its single Wasm layer. */
  public WasmArtifact pullWasm(OciReference ref, RegistryCredentials creds) {
    ResolvedWasm resolved = resolveWasm(ref, creds);
    byte[] wasm = blob(ref, resolved.moduleDigest(), resolved.moduleSize(), creds);
    if (!WasmArtifactLayout.isWasmModule(wasm)) {
      throw new OciException(
          OciException.Kind.UNSUPPORTED_ARTIFACT,
          ref
              + ": the layer "
              + resolved.moduleDigest()
              + " is not a Wasm module (no \\0asm header)");
    }
    return new WasmArtifact(
        wasm, resolved.moduleDigest(), resolved.manifestDigest(), resolved.layerMediaType());
  }

  /**
   * The blob {@code digest} of {@code repository}'s repository (its tag and digest are ignored),
   * verified against the digest; from the cache when present.
   */
  public byte[] pullBlob(OciReference repository, String digest, RegistryCredentials creds) {
    return blob(repository, Digests.requireSha256(digest), -1, creds);
  }

  /**
   * Pushes {@code wasm} as a CNCF Wasm artifact to {@code target}'s tag (or, without a tag, by
   * digest); returns the pinned reference and both digests.
   */
  public PushResult pushWasm(OciReference target, byte[] wasm, RegistryCredentials creds) {
    if (!WasmArtifactLayout.isWasmModule(wasm)) {
      throw new IllegalArgumentException("not a Wasm module: it does not start with \\0asm");
    }
    if (wasm.length > options.maxBlobBytes()) {
      throw new OciException(
          OciException.Kind.TOO_LARGE,
          "the module is "
              + wasm.length
              + " bytes; runners accept at most "
              + options.maxBlobBytes());
    }
    String moduleDigest = Digests.sha256(wasm);
    byte[] config = WasmArtifactLayout.config(moduleDigest);
    String configDigest = pushBlob(target, config, creds);
    pushBlob(target, wasm, creds);
    byte[] manifest =
        WasmArtifactLayout.manifest(
            new Descriptor(MediaTypes.WASM_CONFIG, configDigest, config.length, null),
            List.of(new Descriptor(MediaTypes.WASM_LAYER, moduleDigest, wasm.length, null)));
    String manifestDigest = pushManifest(target, MediaTypes.OCI_MANIFEST, manifest, creds);
    return new PushResult(target.pinned(manifestDigest), manifestDigest, moduleDigest, wasm.length);
  }

  /** Uploads {@code content} to {@code repository}'s repository unless present; its digest. */
  public String pushBlob(OciReference repository, byte[] content, RegistryCredentials creds) {
    String digest = Digests.sha256(content);
    String what = "upload of blob " + digest + " to " + repositoryName(repository);
    String scope = pushScope(repository);
    URI blob = uri(repository, "/blobs/" + digest);
    Transport.Response head =
        exchange(repository, scope, creds, "HEAD", blob, Map.of(), null, 0, what);
    if (head.status() == 200) {
      return digest;
    }
    if (head.status() != 404) {
      throw RegistryErrors.failure(head, what);
    }
    URI uploads = uri(repository, "/blobs/uploads/");
    Transport.Response started =
        exchange(
            repository, scope, creds, "POST", uploads, Map.of(), null, SMALL_ANSWER_LIMIT, what);
    if (started.status() != 202) {
      throw RegistryErrors.failure(started, what);
    }
    String location =
        started
            .header("Location")
            .orElseThrow(
                () ->
                    new OciException(
                        OciException.Kind.PROTOCOL, what + ": upload started without a Location"));
    String target = uploads.resolve(location).toString();
    URI put =
        URI.create(
            target
                + (target.contains("?") ? "&" : "?")
                + "digest="
                + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    Transport.Response done =
        exchange(
            repository,
            scope,
            creds,
            "PUT",
            put,
            Map.of("Content-Type", "application/octet-stream"),
            content,
            SMALL_ANSWER_LIMIT,
            what);
    if (done.status() != 201) {
      throw RegistryErrors.failure(done, what);
    }
    return digest;
  }

  /**
   * Stores {@code manifest} under {@code target}'s tag, or by digest when it has none (its digest,
   * if given, must match); returns the manifest digest.
   */
  public String pushManifest(
      OciReference target, String mediaType, byte[] manifest, RegistryCredentials creds) {
    String digest = Digests.sha256(manifest);
    if (target.digest() != null && !target.digest().equals(digest)) {
      throw new IllegalArgumentException(
          "the manifest hashes to " + digest + ", not to the target's " + target.digest());
    }
    String what = "push of manifest " + target;
    Transport.Response r =
        exchange(
            target,
            pushScope(target),
            creds,
            "PUT",
            uri(target, "/manifests/" + (target.tag() != null ? target.tag() : digest)),
            Map.of("Content-Type", mediaType),
            manifest,
            SMALL_ANSWER_LIMIT,
            what);
    if (r.status() != 201) {
      throw RegistryErrors.failure(r, what);
    }
    Optional<String> stored = r.header("Docker-Content-Digest");
    if (stored.isPresent() && !stored.get().equals(digest)) {
      throw new OciException(
          OciException.Kind.DIGEST_MISMATCH,
          what + ": the registry stored digest " + stored.get() + " for a manifest of " + digest);
    }
    return digest;
  }

  @Override
  public void close() {
    transport.close();
  }

  private byte[] blob(
      OciReference ref, String digest, long expectedSize, RegistryCredentials creds) {
    String what = "blob " + digest + " of " + repositoryName(ref);
    if (cache != null) {
      Optional<byte[]> cached = cache.get(digest);
      if (cached.isPresent() && (expectedSize < 0 || cached.get().length == expectedSize)) {
        return cached.get();
      }
    }
    Transport.Response r =
        exchange(
            ref,
            pullScope(ref),
            creds,
            "GET",
            uri(ref, "/blobs/" + digest),
            Map.of(),
            null,
            options.maxBlobBytes(),
            what);
    if (r.status() != 200) {
      throw RegistryErrors.failure(r, what);
    }
    byte[] content = r.body();
    if (expectedSize >= 0 && content.length != expectedSize) {
      throw new OciException(
          OciException.Kind.DIGEST_MISMATCH,
          what
              + ": received "
              + content.length
              + " bytes but the manifest says "
              + expectedSize
              + "; refusing it");
    }
    String actual = Digests.sha256(content);
    if (!actual.equals(digest)) {
      throw new OciException(
          OciException.Kind.DIGEST_MISMATCH,
          what
              + ": the content hashes to "
              + actual
              + "; the registry's copy is corrupt or was tampered with, refusing it");
    }
    if (cache != null) {
      cache.put(digest, content);
    }
    return content;
  }

  /** Sends a request, answering one 401 challenge with the credentials. */
  private Transport.Response exchange(
      OciReference ref,
      String scope,
      RegistryCredentials creds,
      String method,
      URI uri,
      Map<String, String> headers,
      byte[] body,
      long maxBytes,
      String what) {
    Map<String, String> h = new HashMap<>(headers);
    String authorization = authenticator.cached(ref, scope, creds);
    if (authorization != null) {
      h.put("Authorization", authorization);
    }
    Transport.Response r = transport.send(method, uri, h, body, maxBytes, what);
    if (r.status() != 401) {
      return r;
    }
    h.put("Authorization", authenticator.answer(ref, scope, creds, r, what));
    r = transport.send(method, uri, h, body, maxBytes, what);
    if (r.status() == 401) {
      throw new OciException(
          OciException.Kind.UNAUTHORIZED,
          creds.isAnonymous()
              ? what + ": the registry requires credentials and none were given"
              : what + ": the registry rejected " + creds);
    }
    return r;
  }

  private URI uri(OciReference ref, String path) {
    String scheme = options.usesPlainHttp(ref) ? "http" : "https";
    return URI.create(scheme + "://" + ref.registry() + "/v2/" + ref.repository() + path);
  }

  private static String repositoryName(OciReference ref) {
    return ref.registry() + "/" + ref.repository();
  }

  private static String pullScope(OciReference ref) {
    return "repository:" + ref.repository() + ":pull";
  }

  private static String pushScope(OciReference ref) {
    return "repository:" + ref.repository() + ":pull,push";
  }
}
