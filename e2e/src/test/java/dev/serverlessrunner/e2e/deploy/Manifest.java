package dev.serverlessrunner.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;

/**
 * One YAML document of a manifest file, kept as a tree (so unknown fields stay visible) and
 * convertible to Fabric8's or the project's model class.
 *
 * @param file where it came from
 * @param index its position among the file's documents, from 0
 * @param tree the document as parsed
 */
record Manifest(Path file, int index, JsonNode tree) {

  String apiVersion() {
    return tree.path("apiVersion").asText();
  }

  String kind() {
    return tree.path("kind").asText();
  }

  String name() {
    return tree.path("metadata").path("name").asText();
  }

  /** The namespace written in the manifest, or "" when it has none. */
  String namespace() {
    return tree.path("metadata").path("namespace").asText();
  }

  boolean is(String kind) {
    return kind().equals(kind);
  }

  /** Converted to {@code type}, e.g. a Deployment or a RunnerPool. */
  <T extends HasMetadata> T as(Class<T> type) {
    return Serialization.unmarshal(tree.toString(), type);
  }

  /** Converted to the model class Fabric8 registers for its kind (generic for unknown kinds). */
  HasMetadata typed() {
    return Serialization.unmarshal(tree.toString());
  }

  /** {@code deploy/x.yaml#1 Kind/name}, for messages. */
  @Override
  public String toString() {
    return ProjectFiles.relative(file) + "#" + index + " " + kind() + "/" + name();
  }
}
