package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every YAML file under deploy/ parses, and every manifest in it is a well-formed object. */
class DeployYamlTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> yamlFiles() {
    return ProjectFiles.yamlFiles(ProjectFiles.deploy()).stream();
  }

  static Stream<Manifest> manifests() {
    return Manifests.under(ProjectFiles.deploy()).stream();
  }

  static Stream<Manifest> builtInManifests() {
    List<String> crdGroups = CrdSchemas.load().groups();
    return manifests()
        .filter(m -> crdGroups.stream().noneMatch(g -> m.apiVersion().startsWith(g + "/")));
  }

  static Stream<Manifest> customResources() {
    return manifests().filter(m -> m.is("RunnerPool") || m.is("WasmFunction"));
  }

  @ParameterizedTest
  @MethodSource("yamlFiles")
  void fileParsesAsYaml(Path file) {
    assertThat(Manifests.read(file)).as(ProjectFiles.relative(file)).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void manifestNamesItsApiVersionKindAndName(Manifest m) {
    assertThat(m.apiVersion()).as("%s apiVersion", m).isNotBlank();
    assertThat(m.kind()).as("%s kind", m).isNotBlank();
    assertThat(m.name()).as("%s metadata.name", m).isNotBlank();
  }

  @ParameterizedTest
  @MethodSource("builtInManifests")
  void builtInKindIsOneFabric8Knows(Manifest m) {
    // A misspelt kind or a removed apiVersion (apps/v1beta1) would come back generic.
    HasMetadata typed = m.typed();

    assertThat(typed).as(m.toString()).isNotInstanceOf(GenericKubernetesResource.class);
  }

  @ParameterizedTest
  @MethodSource("builtInManifests")
  void builtInManifestKeepsEveryFieldInTheModel(Manifest m) {
    // Fields the model drops are fields the API server would reject or prune.
    assertThat(JsonSubset.lost(m.tree(), readTree(m.typed()))).as(m.toString()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("customResources")
  void customResourceKeepsEveryFieldInTheProjectModel(Manifest m) {
    Class<? extends HasMetadata> type = m.is("RunnerPool") ? RunnerPool.class : WasmFunction.class;

    assertThat(JsonSubset.lost(m.tree(), readTree(m.as(type)))).as(m.toString()).isEmpty();
  }

  private static JsonNode readTree(HasMetadata resource) {
    try {
      return JSON.readTree(Serialization.asJson(resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
