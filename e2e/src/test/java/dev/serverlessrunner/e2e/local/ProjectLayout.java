package dev.serverlessrunner.e2e.local;

import dev.serverlessrunner.runner.testsupport.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built applications, manifests and guests of the checked-out project are. */
public final class ProjectLayout {

  private static final Path ROOT = findRoot();

  private ProjectLayout() {}

  /** The project root: the nearest ancestor of the working directory holding deploy/crds. */
  public static Path root() {
    return ROOT;
  }

  /** {@code relative} under the project root. */
  public static Path resolve(String relative) {
    return ROOT.resolve(relative);
  }

  /** The operator's Quarkus fast-jar launcher, built earlier in the reactor. */
  public static Path operatorJar() {
    return requireBuilt("operator");
  }

  /** The runner's Quarkus fast-jar launcher, built earlier in the reactor. */
  public static Path runnerJar() {
    return requireBuilt("runner");
  }

  /** The {@code java} launcher of the JVM running the tests (JDK 21+, as the build requires). */
  public static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Where this module's build output goes ({@code e2e/target}). */
  public static Path target() {
    return ROOT.resolve("e2e/target");
  }

  /** A free TCP port for a process the test starts (see {@link LoopbackPorts}). */
  public static int freePort() {
    return LoopbackPorts.free();
  }

  private static Path requireBuilt(String module) {
    Path jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: build it first (./mvnw -pl e2e -am verify builds "
              + module
              + " before e2e)");
    }
    return jar;
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
