package dev.serverlessrunner.oci;

/**
 * Where a Wasm module lives in a registry, known from the manifest alone (nothing downloaded).
 *
 * @param reference the reference pinned to {@link #manifestDigest()}
 * @param manifestDigest digest of the manifest holding the module (an index entry's, if any)
 * @param moduleDigest the Wasm layer's digest, i.e. the SHA-256 of the module bytes
 * @param moduleSize the module's size in bytes
 * @param layerMediaType the layer's media type ({@code application/wasm} or Spin's)
 */
public record ResolvedWasm(
    OciReference reference,
    String manifestDigest,
    String moduleDigest,
    long moduleSize,
    String layerMediaType) {}
