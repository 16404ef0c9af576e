package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfiles of runner and operator build what the manifests run: image names agree between
 * the Dockerfiles, deploy/images.md, the operator Deployment and the operator's runner default;
 * each image runs its Quarkus application (runner: aot-jar with a trained JVM AOT cache) as a
 * non-root user on the application's HTTP port.
 */
class ContainerImagesTest {

  private static final String OPERATOR_CONFIG =
      "operator/src/main/java/dev/serverlessrunner/operator/config/OperatorConfig.java";
  private static final Pattern BUILD_COMMAND =
      Pattern.compile("docker build -f (\\S+) -t (\\S+) (\\S+)");
  private static final List<String> FAST_JAR =
      List.of(
          "target/quarkus-app/lib/",
          "target/quarkus-app/*.jar",
          "target/quarkus-app/app/",
          "target/quarkus-app/quarkus/");

  private static Dockerfile dockerfile(String module) {
    return Dockerfile.read(module + "/src/main/docker/Dockerfile.jvm");
  }

  /** The build commands of deploy/images.md: image name by Dockerfile path. */
  private static List<BuildCommand> documentedBuilds() {
    List<BuildCommand> builds = new ArrayList<>();
    Matcher m = BUILD_COMMAND.matcher(ProjectFiles.read("deploy/images.md"));
    while (m.find()) {
      builds.add(new BuildCommand(m.group(1), m.group(2), m.group(3)));
    }
    return builds;
  }

  private static BuildCommand documentedBuild(String module) {
    String file = module + "/src/main/docker/Dockerfile.jvm";
    List<BuildCommand> found =
        documentedBuilds().stream().filter(b -> b.dockerfile().equals(file)).toList();
    assertThat(found).as("docker build commands for %s in deploy/images.md", file).hasSize(1);
    return found.get(0);
  }

  private record BuildCommand(String dockerfile, String image, String context) {}

  private static Container operatorContainer() {
    Deployment deployment =
        Manifests.read(ProjectFiles.resolve("deploy/operator/deployment.yaml")).stream()
            .filter(m -> m.is("Deployment"))
            .findFirst()
            .orElseThrow()
            .as(Deployment.class);
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"runner", "operator"})
  void imageDocsBuildEachDockerfileWithItsModuleAsContext(String module) {
    BuildCommand build = documentedBuild(module);

    assertThat(build.context()).isEqualTo(module);
    assertThat(build.image()).endsWith("/" + module + ":0.1.0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runner", "operator"})
  void dockerfileHeaderGivesTheSameBuildCommandAsTheDocs(String module) {
    String header = String.join("\n", dockerfile(module).comments());
    Matcher m = BUILD_COMMAND.matcher(header);

    assertThat(m.find()).as("a docker build command in the header of %s", module).isTrue();
    assertThat(new BuildCommand(m.group(1), m.group(2), m.group(3)))
        .isEqualTo(documentedBuild(module));
  }

  @Test
  void operatorDeploymentRunsTheDocumentedOperatorImage() {
    assertThat(operatorContainer().getImage()).isEqualTo(documentedBuild("operator").image());
  }

  @Test
  void operatorDeploymentHandsPoolsTheDocumentedRunnerImage() {
    List<String> runnerImage =
        operatorContainer().getEnv().stream()
            .filter(e -> e.getName().equals("SERVERLESSRUNNER_OPERATOR_RUNNER_IMAGE"))
            .map(EnvVar::getValue)
            .toList();

    assertThat(runnerImage).containsExactly(documentedBuild("runner").image());
  }

  @Test
  void operatorDefaultRunnerImageIsTheDocumentedRunnerImage() {
    // Pools without spec.image get this default when the operator runs without the env override.
    assertThat(SourceFacts.configDefault(OPERATOR_CONFIG, "String", "image"))
        .isEqualTo(documentedBuild("runner").image());
  }

  @ParameterizedTest
  @ValueSource(strings = {"runner", "operator"})
  void imageRunsAsANumericNonRootUser(String module) {
    // runAsNonRoot can only verify a numeric uid.
    String user = dockerfile(module).last("USER");

    assertThat(user).matches("[0-9]+(:[0-9]+)?");
    assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"runner", "operator"})
  void imageExposesTheApplicationsHttpPort(String module) {
    assertThat(dockerfile(module).all("EXPOSE"))
        .containsExactly(String.valueOf(QuarkusHttp.of(module).port()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"runner", "operator"})
  void imageSizesTheHeapFromTheContainersMemoryLimit(String module) {
    String javaOpts = javaOpts(module);

    assertThat(javaOpts).containsPattern("-XX:MaxRAMPercentage=[0-9.]+").doesNotContain("-Xmx");
  }

  @Test
  void runnerImageLetsHotSpotCompileHugeGuestMethods() {
    // Compiled guest functions can pass 8000 bytes of bytecode; HotSpot would interpret them.
    assertThat(javaOpts("runner")).contains("-XX:-DontCompileHugeMethods");
  }

  private static List<String> copySources(String module) {
    return dockerfile(module).all("COPY").stream()
        .map(args -> args.replaceAll("--chown=\\S+\\s+", ""))
        .map(args -> args.split("\\s+")[0])
        .toList();
  }

  @Test
  void operatorImageCopiesTheQuarkusFastJarLayout() {
    assertThat(copySources("operator")).containsExactlyInAnyOrderElementsOf(FAST_JAR);
    assertThat(
            SourceFacts.applicationProperties("operator")
                .getProperty("quarkus.package.jar.type", "fast-jar"))
        .isEqualTo("fast-jar");
  }

  @Test
  void runnerImageCopiesTheAotJarLayoutAndWhatItsAotTrainingRuns() {
    // aot-jar has the fast-jar's layout but loads every class through the JDK's class loaders,
    // which the JVM's AOT cache needs to hold the application's classes.
    List<String> expected = new ArrayList<>(FAST_JAR);
    expected.addAll(List.of("src/main/docker/aot-training.sh", "target/aot-training/"));

    assertThat(copySources("runner")).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(SourceFacts.applicationProperties("runner").getProperty("quarkus.package.jar.type"))
        .isEqualTo("aot-jar");
  }

  @Test
  void runnerImageStartsWithTheAotCacheItsOwnTrainingRunWrites() {
    Dockerfile runner = dockerfile("runner");
    List<Dockerfile.Instruction> steps = runner.instructions();
    int training =
        indexOf(steps, i -> i.keyword().equals("RUN") && i.arguments().contains("aot-training.sh"));
    int javaOpts =
        indexOf(steps, i -> i.keyword().equals("ENV") && i.arguments().contains("JAVA_OPTS="));
    int user = indexOf(steps, i -> i.keyword().equals("USER"));
    String script = ProjectFiles.read("runner/src/main/docker/aot-training.sh");

    assertThat(javaOpts("runner")).contains("-XX:AOTCache=/deployments/app.aot");
    // Trained with the image's final flags, by the image's own JVM, on its own class path.
    assertThat(runner.last("RUN")).startsWith("sh /deployments/aot-training.sh /deployments ");
    assertThat(script)
        .contains("-XX:AOTCacheOutput=\"$app/app.aot\"")
        .contains("JAVA_OPTS")
        .contains("-jar \"$app/quarkus-run.jar\"")
        .contains("-Drunner.startup.aot-training=true");
    assertThat(javaOpts).isLessThan(training);
    // As root, before the runner's user: the runner cannot alter the cache it starts from.
    assertThat(training).isLessThan(user);
  }

  private static int indexOf(
      List<Dockerfile.Instruction> steps, java.util.function.Predicate<Dockerfile.Instruction> p) {
    for (int i = 0; i < steps.size(); i++) {
      if (p.test(steps.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such instruction in the runner's Dockerfile");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runner", "operator"})
  void builtApplicationHasEveryPathTheDockerfileCopies(String module) {
    Path app = ProjectFiles.resolve(module + "/target/quarkus-app");
    assumeTrue(
        Files.isDirectory(app),
        module + " is not packaged (no " + module + "/target/quarkus-app): layout not checked");

    assertThat(app.resolve("lib")).isDirectory();
    assertThat(app.resolve("app")).isDirectory();
    assertThat(app.resolve("quarkus")).isDirectory();
    assertThat(app.resolve("quarkus-run.jar")).isRegularFile();
  }

  @ParameterizedTest
  @ValueSource(strings = {"runner", "operator"})
  void entrypointExecsJavaSoItReceivesSigterm(String module) {
    String entrypoint = dockerfile(module).last("ENTRYPOINT");

    assertThat(entrypoint)
        .contains("exec java $JAVA_OPTS $JAVA_OPTS_APPEND")
        .contains("-jar /deployments/quarkus-run.jar");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runner", "operator"})
  void baseImageJavaIsAtLeastTheBuildsRelease(String module) {
    String from = dockerfile(module).last("FROM");
    Matcher m = Pattern.compile("eclipse-temurin:([0-9]+)-jre").matcher(from);
    int release =
        Integer.parseInt(SourceFacts.find("pom.xml", "<maven.compiler.release>([0-9]+)<"));

    assertThat(m.matches()).as("FROM %s is a Temurin JRE", from).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(release);
  }

  private static String javaOpts(String module) {
    for (String env : dockerfile(module).all("ENV")) {
      Matcher m = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"").matcher(env);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new AssertionError(module + " Dockerfile sets no JAVA_OPTS");
  }
}
