package dev.serverlessrunner.oci;

import java.util.List;
import java.util.stream.Collectors;

/** Picks the Wasm module out of a manifest or index, refusing layouts we cannot run. */
final class WasmLayers {

  private WasmLayers() {}

  /**
   * The single layer of {@code resolved}, which must be of a Wasm layer type; other layers (Spin's
   * static files, say) would be silently missing at run time, so they are refused too.
   */
  static Descriptor select(ManifestDescriptor resolved) {
    Manifest m = resolved.manifest();
    List<Descriptor> layers = m.layers();
    if (!m.isIndex()
        && layers.size() == 1
        && MediaTypes.WASM_LAYERS.contains(layers.get(0).mediaType())) {
      return layers.get(0);
    }
    String found =
        m.isIndex()
            ? "a nested index"
            : "config "
                + (m.config() == null ? "none" : m.config().mediaType())
                + " and layers "
                + layers.stream().map(Descriptor::mediaType).collect(Collectors.toList());
    throw new OciException(
        OciException.Kind.UNSUPPORTED_ARTIFACT,
        resolved.reference()
            + " is not a Wasm module artifact: expected exactly one layer of type "
            + MediaTypes.WASM_LAYER
            + " or "
            + MediaTypes.SPIN_WASM_LAYER
            + ", found "
            + found);
  }

  /** The index entry to pull: the one for a Wasm platform, or the only one. */
  static Descriptor selectFromIndex(ManifestDescriptor index) {
    List<Descriptor> entries = index.manifest().manifests();
    List<Descriptor> wasm =
        entries.stream()
            .filter(d -> d.platform() != null)
            .filter(d -> d.platform().endsWith("/wasm") || d.platform().startsWith("wasi"))
            .toList();
    if (wasm.size() == 1) {
      return wasm.get(0);
    }
    if (wasm.isEmpty() && entries.size() == 1) {
      return entries.get(0);
    }
    throw new OciException(
        OciException.Kind.UNSUPPORTED_ARTIFACT,
        index.reference()
            + " is an index of "
            + entries.size()
            + " manifests (platforms "
            + entries.stream().map(Descriptor::platform).collect(Collectors.toList())
            + ") and not exactly one of them is for wasm");
  }
}
