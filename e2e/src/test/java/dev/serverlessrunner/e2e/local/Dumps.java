package dev.serverlessrunner.e2e.local;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** What a person debugging a failed e2e test wants to see, written to files. */
final class Dumps {

  private Dumps() {}

  static void write(
      Path dir,
      KubernetesClient client,
      String namespace,
      ChildProcess operator,
      List<LocalPlatform.RunnerPod> runners) {
    try {
      Files.createDirectories(dir);
      yaml(
          dir.resolve("runnerpools.yaml"),
          client.resources(RunnerPool.class).inNamespace(namespace).list().getItems());
      yaml(
          dir.resolve("wasmfunctions.yaml"),
          client.resources(WasmFunction.class).inNamespace(namespace).list().getItems());
      yaml(
          dir.resolve("deployments.yaml"),
          client.apps().deployments().inNamespace(namespace).list().getItems());
      yaml(dir.resolve("events.yaml"), client.v1().events().inAnyNamespace().list().getItems());
      if (operator != null) {
        copy(operator, dir);
      }
      for (LocalPlatform.RunnerPod runner : runners) {
        copy(runner.process(), dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dumps to " + dir, e);
    }
  }

  private static void yaml(Path file, List<?> items) throws IOException {
    StringBuilder out = new StringBuilder();
    for (Object item : items) {
      out.append(Serialization.asYaml(item));
    }
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }

  private static void copy(ChildProcess process, Path dir) throws IOException {
    if (Files.exists(process.log())) {
      Files.copy(
          process.log(), dir.resolve(process.name() + ".log"), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
