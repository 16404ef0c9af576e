package dev.serverlessrunner.operator.function.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlessrunner.operator.function.Digests;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Minimal OCI distribution (v2) client: fetches a manifest by tag or digest, with anonymous, basic
 * or bearer-token authentication, and finds the Wasm layer in it.
 */
public class RegistryClient {
  /** Layer media types accepted as a Wasm module (CNCF Wasm artifact, Spin). */
  public static final Set<String> WASM_LAYER_TYPES =
      Set.of("application/wasm", "application/vnd.wasm.content.layer.v1+wasm");

  private static final String ACCEPT =
      String.join(
          ", ",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration timeout;
  private final Set<String> insecureRegistries;

  public RegistryClient(Duration timeout, Set<String> insecureRegistries) {
    this.timeout = timeout;
    this.insecureRegistries = Set.copyOf(insecureRegistries);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** What a manifest says about the module it carries. */
  public record WasmManifest(String manifestDigest, String layerDigest, long layerSize) {}

  /** Fetches the manifest of {@code ref} and returns its Wasm layer. */
  public WasmManifest resolve(OciReference ref, Optional<RegistryCredentials> credentials)
      throws RegistryException {
    URI uri =
        URI.create(
            scheme(ref.registry())
                + "://"
                + ref.registry()
                + "/v2/"
                + ref.repository()
                + "/manifests/"
                + ref.manifestReference());
    HttpResponse<byte[]> anonymous = get(uri, null);
    HttpResponse<byte[]> response =
        anonymous.statusCode() == 401
            ? get(uri, authorize(ref, anonymous, credentials))
            : anonymous;
    int status = response.statusCode();
    if (status == 404) {
      throw new RegistryException(
          "ManifestNotFound",
          ref.registry() + "/" + ref.repository() + ":" + ref.manifestReference() + " not found",
          true);
    }
    if (status == 401 || status == 403) {
      throw new RegistryException(
          "RegistryUnauthorized",
          "the registry refused access to "
              + ref.repository()
              + " (HTTP "
              + status
              + "); set or fix spec.source.oci.pullSecretRef",
          true);
    }
    if (status != 200) {
      throw new RegistryException(
          "RegistryUnavailable",
          "the registry answered HTTP " + status + " for " + uri,
          status < 500 && status != 429);
    }
    String digest =
        response
            .headers()
            .firstValue("Docker-Content-Digest")
            .orElseGet(() -> Digests.sha256(response.body()));
    if (ref.digest() != null && !ref.digest().equals(digest)) {
      throw new RegistryException(
          "DigestMismatch",
          "the registry served manifest " + digest + " for digest " + ref.digest(),
          true);
    }
    return wasmLayer(digest, response.body());
  }

  private static WasmManifest wasmLayer(String manifestDigest, byte[] body)
      throws RegistryException {
    JsonNode manifest;
    try {
      manifest = JSON.readTree(body);
    } catch (IOException e) {
      throw new RegistryException("NotWasmArtifact", "the manifest is not JSON", true);
    }
    if (manifest.has("manifests")) {
      throw new RegistryException(
          "NotWasmArtifact",
          "the reference names an image index, not a single Wasm artifact manifest",
          true);
    }
    List<String> seen = new java.util.ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      String mediaType = layer.path("mediaType").asText();
      if (WASM_LAYER_TYPES.contains(mediaType)) {
        return new WasmManifest(
            manifestDigest, layer.path("digest").asText(), layer.path("size").asLong());
      }
      seen.add(mediaType);
    }
    throw new RegistryException(
        "NotWasmArtifact",
        "the manifest has no layer of type application/wasm (layers: " + seen + ")",
        true);
  }

  private String authorize(
      OciReference ref, HttpResponse<byte[]> challenge, Optional<RegistryCredentials> credentials)
      throws RegistryException {
    String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
    if (header.regionMatches(true, 0, "Basic", 0, 5)) {
      return credentials
          .map(RegistryCredentials::basicAuthorization)
          .orElseThrow(
              () ->
                  new RegistryException(
                      "RegistryUnauthorized",
                      ref.registry() + " needs credentials; set spec.source.oci.pullSecretRef",
                      true));
    }
    if (!header.regionMatches(true, 0, "Bearer", 0, 6)) {
      throw new RegistryException(
          "RegistryUnauthorized", "unsupported authentication challenge: " + header, true);
    }
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(header);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null) {
      throw new RegistryException(
          "RegistryUnauthorized", "bearer challenge without realm: " + header, true);
    }
    String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":pull");
    StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
    if (params.containsKey("service")) {
      url.append("service=").append(encode(params.get("service"))).append('&');
    }
    url.append("scope=").append(encode(scope));
    HttpResponse<byte[]> token =
        get(
            URI.create(url.toString()),
            credentials.map(RegistryCredentials::basicAuthorization).orElse(null));
    if (token.statusCode() != 200) {
      throw new RegistryException(
          "RegistryUnauthorized",
          "the token service refused access (HTTP " + token.statusCode() + ")",
          token.statusCode() < 500);
    }
    try {
      JsonNode json = JSON.readTree(token.body());
      String value =
          json.hasNonNull("token")
              ? json.get("token").asText()
              : json.path("access_token").asText();
      if (value.isEmpty()) {
        throw new RegistryException(
            "RegistryUnauthorized", "the token service returned no token", true);
      }
      return "Bearer " + value;
    } catch (IOException e) {
      throw new RegistryException("RegistryUnavailable", "unreadable token response", e);
    }
  }

  private HttpResponse<byte[]> get(URI uri, String authorization) throws RegistryException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", ACCEPT).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new RegistryException(
          "RegistryUnavailable", "cannot reach " + uri.getHost() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("RegistryUnavailable", "interrupted while calling " + uri, e);
    }
  }

  private String scheme(String registry) {
    return insecureRegistries.contains(registry) ? "http" : "https";
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
