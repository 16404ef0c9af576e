package dev.serverlessrunner.oci;

import java.util.Set;

/** Media types of the OCI and Docker manifest formats and of the Wasm artifact layouts. */
public final class MediaTypes {

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Config of the CNCF TAG Runtime Wasm OCI artifact layout. */
  public static final String WASM_CONFIG = "application/vnd.wasm.config.v0+json";

  /** Layer of the CNCF TAG Runtime Wasm OCI artifact layout. */
  public static final String WASM_LAYER = "application/wasm";

  /** Layer type Spin (Fermyon) uses for a component's module. */
  public static final String SPIN_WASM_LAYER = "application/vnd.wasm.content.layer.v1+wasm";

  /** Layer types whose content is a Wasm module we can run. */
  public static final Set<String> WASM_LAYERS = Set.of(WASM_LAYER, SPIN_WASM_LAYER);

  /** The Accept header for manifest requests: single-image manifests and indexes. */
  public static final String MANIFEST_ACCEPT =
      String.join(", ", OCI_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, DOCKER_MANIFEST_LIST);

  private MediaTypes() {}

  /** Whether the type names a list of manifests rather than one manifest. */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }
}
