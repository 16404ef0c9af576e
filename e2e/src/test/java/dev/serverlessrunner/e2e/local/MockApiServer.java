package dev.serverlessrunner.e2e.local;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Fabric8 mock API server in CRUD mode, over plain HTTP on a free loopback port: stores, lists
 * and watches what it is sent, and nothing more (no server-side apply, no garbage collection, no
 * controllers, no schema validation).
 */
public final class MockApiServer implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockApiServer(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  /** Starts a server on 127.0.0.1. */
  public static MockApiServer start() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new ServerSideApplyDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), ProjectLayout.freePort());
    return new MockApiServer(server);
  }

  /** {@code http://127.0.0.1:<port>}, the API server address handed to the operator and runners. */
  public String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  /** A client of this server for the test itself. */
  public KubernetesClient client() {
    return client;
  }

  /** Creates every CRD in {@code dir} ({@code *.yml}), as an admin applying deploy/crds does. */
  public List<String> applyCrds(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".yml"))
          .sorted()
          .map(
              f ->
                  client.apiextensions().v1().customResourceDefinitions().load(f.toFile()).create())
          .map(CustomResourceDefinition::getMetadata)
          .map(m -> m.getName())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
