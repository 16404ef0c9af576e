package dev.serverlessrunner.e2e.k3s;

import com.github.dockerjava.api.DockerClient;
import dev.serverlessrunner.e2e.local.ProjectLayout;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A real single-node Kubernetes (K3s in a container, with its bundled metrics-server) holding the
 * project's deploy/ folder and our container images, driven with its own {@code kubectl}.
 */
final class K3sCluster implements AutoCloseable {

  /** Overridable with {@code E2E_K3S_IMAGE}. */
  static final String DEFAULT_IMAGE = "rancher/k3s:v1.31.4-k3s1";

  /** The images of deploy/images.md, imported from the local Docker engine when it has them. */
  static final List<String> PROJECT_IMAGES =
      List.of("ghcr.io/serverlessrunner/operator:0.1.0", "ghcr.io/serverlessrunner/runner:0.1.0");

  private final K3sContainer k3s;
  private final KubernetesClient client;

  private K3sCluster(K3sContainer k3s) {
    this.k3s = k3s;
    this.client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
            .build();
  }

  /** Starts K3s, imports the project's images and copies deploy/ to {@code /deploy}. */
  static K3sCluster start() {
    String image = System.getenv().getOrDefault("E2E_K3S_IMAGE", DEFAULT_IMAGE);
    K3sContainer k3s =
        new K3sContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s"));
    k3s.start();
    K3sCluster cluster = new K3sCluster(k3s);
    try {
      PROJECT_IMAGES.forEach(cluster::importImage);
      k3s.copyFileToContainer(
          MountableFile.forHostPath(ProjectLayout.resolve("deploy")), "/deploy");
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** A client of the cluster's API server. */
  KubernetesClient client() {
    return client;
  }

  /** Runs {@code kubectl args…} on the node; fails with its output unless it exits 0. */
  String kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    ExecResult result = exec(command);
    if (result.getExitCode() != 0) {
      throw new AssertionError(
          String.join(" ", command)
              + " exited "
              + result.getExitCode()
              + ":\n"
              + result.getStdout()
              + result.getStderr());
    }
    return result.getStdout();
  }

  /**
   * Loads {@code image} into the node's containerd from the local Docker engine ({@code docker
   * save} piped to {@code ctr images import}); when Docker does not have it, the node pulls it.
   */
  void importImage(String image) {
    DockerClient docker = DockerClientFactory.instance().client();
    try {
      docker.inspectImageCmd(image).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      System.err.println(
          "e2e-k3s: " + image + " is not in the local Docker engine; K3s will pull it");
      return;
    }
    try {
      Path tar = Files.createTempFile("e2e-image-", ".tar");
      try (InputStream saved = docker.saveImageCmd(image).exec()) {
        Files.copy(saved, tar, StandardCopyOption.REPLACE_EXISTING);
      }
      k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/image.tar");
      ExecResult result =
          exec(List.of("ctr", "-n", "k8s.io", "images", "import", "/tmp/image.tar"));
      Files.deleteIfExists(tar);
      if (result.getExitCode() != 0) {
        throw new AssertionError("cannot import " + image + ": " + result.getStderr());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot export " + image + " from Docker", e);
    }
  }

  /** Writes resources, events and pod logs of {@code namespaces} under {@code dir}. */
  void dump(Path dir, String... namespaces) {
    try {
      Files.createDirectories(dir);
      for (String namespace : namespaces) {
        write(
            dir.resolve(namespace + "-resources.yaml"),
            exec(
                List.of(
                    "kubectl",
                    "-n",
                    namespace,
                    "get",
                    "runnerpools,wasmfunctions,deployments,hpa,pods,configmaps",
                    "-o",
                    "yaml")));
        write(
            dir.resolve(namespace + "-events.txt"),
            exec(List.of("kubectl", "-n", namespace, "get", "events", "--sort-by=.lastTimestamp")));
        write(
            dir.resolve(namespace + "-logs.txt"),
            exec(
                List.of(
                    "kubectl",
                    "-n",
                    namespace,
                    "logs",
                    "--all-containers",
                    "--prefix",
                    "--tail=2000",
                    "-l",
                    "app.kubernetes.io/part-of=serverless-runner")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dumps to " + dir, e);
    }
  }

  private static void write(Path file, ExecResult result) throws IOException {
    Files.writeString(file, result.getStdout() + result.getStderr(), StandardCharsets.UTF_8);
  }

  private ExecResult exec(List<String> command) {
    try {
      return k3s.execInContainer(command.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    k3s.stop();
  }
}
