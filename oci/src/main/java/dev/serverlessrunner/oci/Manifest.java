package dev.serverlessrunner.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed image manifest (config and layers) or index (child manifests); only the fields a Wasm
 * pull needs.
 *
 * @param mediaType the manifest's own media type (from the body, else the Content-Type)
 * @param artifactType the OCI 1.1 {@code artifactType}, or {@code null}
 * @param config the config descriptor, or {@code null} for an index
 * @param layers the layers, empty for an index
 * @param manifests the child manifests of an index, empty for an image manifest
 */
public record Manifest(
    String mediaType,
    String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    List<Descriptor> manifests) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public Manifest {
    layers = List.copyOf(layers);
    manifests = List.copyOf(manifests);
  }

  /** Whether this is an index (a list of manifests) rather than one image manifest. */
  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  /** Parses {@code body}; {@code contentType} names the type when the body does not. */
  static Manifest parse(byte[] body, String contentType, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw protocol(where, "the manifest is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw protocol(where, "the manifest is not a JSON object");
    }
    if (root.path("schemaVersion").asInt() != 2) {
      throw new OciException(
          OciException.Kind.UNSUPPORTED_ARTIFACT,
          where + ": only schemaVersion 2 manifests are supported (Docker schema 1 is obsolete)");
    }
    String mediaType = root.path("mediaType").asText(null);
    if (mediaType == null) {
      mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : stripParameters(contentType);
    }
    Descriptor config = root.has("config") ? descriptor(root.get("config"), where) : null;
    List<Descriptor> layers = descriptors(root.path("layers"), where);
    List<Descriptor> manifests = descriptors(root.path("manifests"), where);
    if (!MediaTypes.isIndex(mediaType) && config == null) {
      throw protocol(where, "the manifest has no config descriptor");
    }
    return new Manifest(
        mediaType, root.path("artifactType").asText(null), config, layers, manifests);
  }

  private static List<Descriptor> descriptors(JsonNode array, String where) {
    List<Descriptor> out = new ArrayList<>();
    if (array.isMissingNode() || array.isNull()) {
      return out;
    }
    if (!array.isArray()) {
      throw protocol(where, "expected a JSON array of descriptors");
    }
    for (JsonNode node : array) {
      out.add(descriptor(node, where));
    }
    return out;
  }

  private static Descriptor descriptor(JsonNode node, String where) {
    String mediaType = node.path("mediaType").asText(null);
    String digest = node.path("digest").asText(null);
    JsonNode size = node.path("size");
    if (mediaType == null || digest == null || !size.canConvertToLong() || size.asLong() < 0) {
      throw protocol(where, "a descriptor lacks mediaType, digest or a valid size: " + node);
    }
    if (!Digests.isSha256(digest)) {
      throw new OciException(
          OciException.Kind.UNSUPPORTED_ARTIFACT,
          where + ": descriptor digest '" + digest + "' is not sha256, the only one supported");
    }
    JsonNode platform = node.path("platform");
    String platformName =
        platform.isObject()
            ? platform.path("os").asText("?") + "/" + platform.path("architecture").asText("?")
            : null;
    return new Descriptor(mediaType, digest, size.asLong(), platformName);
  }

  private static String stripParameters(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).strip();
  }

  private static OciException protocol(String where, String message) {
    return new OciException(OciException.Kind.PROTOCOL, where + ": " + message);
  }
}
