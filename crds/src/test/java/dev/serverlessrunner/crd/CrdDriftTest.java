package dev.serverlessrunner.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The CRD YAML committed under deploy/crds/ must equal what the build generates. */
class CrdDriftTest {
  static final List<String> CRD_FILES =
      List.of(
          "wasmfunctions.serverlessrunner.dev-v1.yml", "runnerpools.serverlessrunner.dev-v1.yml");

  private static final String HOW_TO_FIX =
      "deploy/crds/%s is stale. Regenerate it from the model classes with:%n"
          + "  ./mvnw -pl crds process-classes"
          + " && cp crds/target/classes/META-INF/fabric8/*-v1.yml deploy/crds/";

  static Path crdDir() {
    return Path.of(System.getProperty("serverlessrunner.deployDir", "../deploy")).resolve("crds");
  }

  static String generated(String file) throws IOException {
    try (InputStream in =
        CrdDriftTest.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + file)) {
      assertThat(in).as("generated CRD %s on the class path", file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void committedCrdsEqualGeneratedOnes() throws IOException {
    for (String file : CRD_FILES) {
      Path committed = crdDir().resolve(file);
      assertThat(committed).as(HOW_TO_FIX, file).exists();
      assertThat(Files.readString(committed)).as(HOW_TO_FIX, file).isEqualTo(generated(file));
    }
  }

  @Test
  void noCommittedCrdLacksAModelClass() throws IOException {
    try (Stream<Path> files = Files.list(crdDir())) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml")))
          .as("every YAML file in deploy/crds/ must be generated from a model class")
          .containsExactlyInAnyOrderElementsOf(CRD_FILES);
    }
  }
}
