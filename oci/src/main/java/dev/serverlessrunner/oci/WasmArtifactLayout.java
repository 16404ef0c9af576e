package dev.serverlessrunner.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The CNCF TAG Runtime Wasm OCI artifact layout: an OCI image manifest whose config has media type
 * {@code application/vnd.wasm.config.v0+json} and whose single layer is the module ({@code
 * application/wasm}). The JSON is written with a fixed field order and no timestamp, so pushing the
 * same module twice yields the same manifest digest.
 */
public final class WasmArtifactLayout {

  private static final ObjectMapper JSON = new ObjectMapper();

  private WasmArtifactLayout() {}

  /** Whether {@code bytes} start with the Wasm binary magic {@code \0asm}. */
  public static boolean isWasmModule(byte[] bytes) {
    return bytes.length >= 8
        && bytes[0] == 0
        && bytes[1] == 'a'
        && bytes[2] == 's'
        && bytes[3] == 'm';
  }

  /** The config blob for a core module with layer digest {@code moduleDigest}. */
  public static byte[] config(String moduleDigest) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "wasm");
    config.put("os", "wasip1");
    config.putArray("layerDigests").add(Digests.requireSha256(moduleDigest));
    return write(config);
  }

  /** An OCI image manifest with the given config and layers. */
  public static byte[] manifest(Descriptor config, List<Descriptor> layers) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.set("config", descriptor(config));
    ArrayNode array = manifest.putArray("layers");
    for (Descriptor layer : layers) {
      array.add(descriptor(layer));
    }
    return write(manifest);
  }

  private static ObjectNode descriptor(Descriptor d) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", d.mediaType());
    node.put("digest", Digests.requireSha256(d.digest()));
    node.put("size", d.size());
    return node;
  }

  private static byte[] write(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }
}
