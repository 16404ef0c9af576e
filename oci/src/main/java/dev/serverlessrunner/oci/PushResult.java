package dev.serverlessrunner.oci;

/**
 * What a push stored.
 *
 * @param reference the pushed reference pinned to the manifest digest ({@code
 *     registry/repo@sha256:…})
 * @param manifestDigest digest of the pushed manifest
 * @param moduleDigest digest of the Wasm layer, i.e. of the module bytes
 * @param moduleSize size of the module in bytes
 */
public record PushResult(
    OciReference reference, String manifestDigest, String moduleDigest, long moduleSize) {}
