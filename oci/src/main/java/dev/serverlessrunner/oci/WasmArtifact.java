package dev.serverlessrunner.oci;

/**
 * A Wasm module pulled from a registry.
 *
 * @param wasm the module's bytes (not copied: callers must not modify them)
 * @param moduleDigest {@code sha256:<hex>} of {@link #wasm()}, equal to the layer's digest
 * @param manifestDigest digest of the manifest the module was found through
 * @param layerMediaType the layer's media type ({@code application/wasm} or Spin's)
 */
public record WasmArtifact(
    byte[] wasm, String moduleDigest, String manifestDigest, String layerMediaType) {

  @Override
  public String toString() {
    return "WasmArtifact["
        + moduleDigest
        + ", "
        + wasm.length
        + " bytes, manifest "
        + manifestDigest
        + "]";
  }
}
