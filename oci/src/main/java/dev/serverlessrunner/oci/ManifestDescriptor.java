package dev.serverlessrunner.oci;

/**
 * A manifest as resolved from a registry.
 *
 * @param reference the reference that was resolved
 * @param digest the manifest's digest, verified against its bytes
 * @param size the manifest's size in bytes
 * @param manifest the parsed manifest
 */
public record ManifestDescriptor(
    OciReference reference, String digest, long size, Manifest manifest) {

  /** The reference pinned to this manifest's digest. */
  public OciReference pinned() {
    return reference.pinned(digest);
  }
}
