package dev.serverlessrunner.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The openAPIV3Schema of each served version of the CRDs committed in deploy/crds/. */
final class CrdSchemas {

  private final List<Manifest> crds;

  private CrdSchemas(List<Manifest> crds) {
    this.crds = crds;
  }

  static CrdSchemas load() {
    return load(ProjectFiles.deploy().resolve("crds"));
  }

  static CrdSchemas load(Path dir) {
    return new CrdSchemas(
        Manifests.under(dir).stream().filter(m -> m.is("CustomResourceDefinition")).toList());
  }

  /** Whether a CRD defines {@code kind} in the group of {@code apiVersion}. */
  boolean defines(String apiVersion, String kind) {
    return schema(apiVersion, kind).isPresent();
  }

  /** The schema of {@code kind} at {@code apiVersion} ({@code group/version}), if served. */
  Optional<JsonNode> schema(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String group = apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    for (Manifest crd : crds) {
      JsonNode spec = crd.tree().path("spec");
      if (!spec.path("group").asText().equals(group)
          || !spec.path("names").path("kind").asText().equals(kind)) {
        continue;
      }
      for (JsonNode v : spec.path("versions")) {
        if (v.path("name").asText().equals(version) && v.path("served").asBoolean()) {
          return Optional.of(v.path("schema").path("openAPIV3Schema"));
        }
      }
    }
    return Optional.empty();
  }

  /** The group of every CRD, e.g. serverlessrunner.dev. */
  List<String> groups() {
    return crds.stream().map(c -> c.tree().path("spec").path("group").asText()).distinct().toList();
  }
}
