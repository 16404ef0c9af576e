package dev.serverlessrunner.e2e.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads multi-document YAML: manifest files under deploy/ and kubectl kustomize output. */
final class Manifests {

  private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());

  private Manifests() {}

  /** Every non-empty document of {@code file}, in order. */
  static List<Manifest> read(Path file) {
    try (JsonParser parser = YAML.getFactory().createParser(file.toFile())) {
      return documents(file, parser);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + ProjectFiles.relative(file), e);
    }
  }

  /** Every non-empty document of {@code yaml}, attributed to {@code origin}. */
  static List<Manifest> parse(Path origin, String yaml) {
    try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
      return documents(origin, parser);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse the YAML of " + origin, e);
    }
  }

  /** The documents of every Kubernetes manifest under {@code dir} (kustomize files left out). */
  static List<Manifest> under(Path dir) {
    return ProjectFiles.yamlFiles(dir).stream()
        .filter(Predicate.not(Manifests::isKustomizeFile))
        .flatMap(f -> read(f).stream())
        .toList();
  }

  /**
   * A file kustomize reads as its own configuration rather than as a resource: a kustomization or a
   * transformer configuration it names under {@code configurations:}.
   */
  static boolean isKustomizeFile(Path file) {
    if (file.getFileName().toString().equals("kustomization.yaml")) {
      return true;
    }
    Path kustomization = file.resolveSibling("kustomization.yaml");
    if (!kustomization.toFile().isFile()) {
      return false;
    }
    for (Manifest k : read(kustomization)) {
      for (JsonNode configuration : k.tree().path("configurations")) {
        if (file.getFileName().toString().equals(configuration.asText())) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Manifest> documents(Path origin, JsonParser parser) throws IOException {
    List<Manifest> result = new ArrayList<>();
    MappingIterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class);
    int index = 0;
    while (docs.hasNext()) {
      JsonNode doc = docs.next();
      if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
        result.add(new Manifest(origin, index, doc));
      }
      index++;
    }
    return result;
  }
}
