package dev.serverlessrunner.runner.source.kubernetes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves blobs by digest over the distribution API on a free loopback port, optionally behind HTTP
 * basic auth. The runner only ever pulls blobs by digest (the operator resolved the manifest), so
 * that is all this serves; the OCI module's own tests cover the full protocol against a real
 * registry.
 */
final class FakeBlobRegistry implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String requiredAuthorization;

  FakeBlobRegistry() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake registry", e);
    }
    server.createContext("/v2/", this::handle);
    server.start();
  }

  /** {@code 127.0.0.1:<port>}, as an OCI reference names the registry. */
  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Serves {@code content} under {@code digest}, whether or not it hashes to it. */
  void putBlob(String digest, byte[] content) {
    blobs.put(digest, content);
  }

  /** From now on, answers 401 unless the request carries this basic login. */
  void requireBasicAuth(String username, String password) {
    requiredAuthorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Paths of the requests served so far. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      requests.add(path);
      String required = requiredAuthorization;
      if (required != null
          && !required.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      int at = path.indexOf("/blobs/");
      byte[] blob = at < 0 ? null : blobs.get(path.substring(at + "/blobs/".length()));
      if (blob == null) {
        byte[] error =
            "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(404, error.length);
        exchange.getResponseBody().write(error);
        return;
      }
      exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, blob.length);
      exchange.getResponseBody().write(blob);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
