package dev.serverlessrunner.e2e.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Files of the project checked out around the test: deploy/, Dockerfiles, configuration. */
final class ProjectFiles {

  private static final Path ROOT = findRoot();

  private ProjectFiles() {}

  /** The project's root folder: the nearest ancestor of the working directory holding deploy/. */
  static Path root() {
    return ROOT;
  }

  static Path deploy() {
    return ROOT.resolve("deploy");
  }

  static Path resolve(String relative) {
    return ROOT.resolve(relative);
  }

  static String read(String relative) {
    return read(ROOT.resolve(relative));
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every .yaml and .yml file under {@code dir}, sorted. */
  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Folders under deploy/ holding a kustomization.yaml, sorted. */
  static List<Path> kustomizations() {
    return yamlFiles(deploy()).stream()
        .filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
        .map(Path::getParent)
        .toList();
  }

  /** A path relative to the project root, for messages. */
  static String relative(Path file) {
    return ROOT.relativize(file.toAbsolutePath()).toString();
  }

  private static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy/crds"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no project root (a folder with deploy/crds and pom.xml) above "
            + Path.of("").toAbsolutePath());
  }
}
