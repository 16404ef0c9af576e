package dev.serverlessrunner.operator.function.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback HTTP server speaking the parts of the distribution API v2 the operator uses: manifests
 * behind a bearer-token challenge whose token service wants basic credentials.
 */
public final class FakeRegistry implements AutoCloseable {
  public static final String USER = "robot";
  public static final String PASSWORD = "s3cret";
  static final String TOKEN = "t0ken";

  private final HttpServer server;
  private final Map<String, String> manifests = new ConcurrentHashMap<>();

  public FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.createContext("/v2/", this::manifest);
    server.start();
  }

  /** host:port of the registry. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Serves {@code manifestJson} at {@code /v2/<repository>/manifests/<reference>}. */
  public void put(String repository, String reference, String manifestJson) {
    manifests.put("/v2/" + repository + "/manifests/" + reference, manifestJson);
  }

  private void token(HttpExchange exchange) throws IOException {
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
      return;
    }
    send(exchange, 200, "{\"token\":\"" + TOKEN + "\"}");
  }

  private void manifest(HttpExchange exchange) throws IOException {
    if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange
          .getResponseHeaders()
          .add(
              "WWW-Authenticate",
              "Bearer realm=\"http://"
                  + host()
                  + "/token\",service=\"fake-registry\",scope=\"repository:team/hello:pull\"");
      send(exchange, 401, "{}");
      return;
    }
    String body = manifests.get(exchange.getRequestURI().getPath());
    if (body == null) {
      send(exchange, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
      return;
    }
    exchange
        .getResponseHeaders()
        .add(
            "Docker-Content-Digest",
            dev.serverlessrunner.operator.function.Digests.sha256(
                body.getBytes(StandardCharsets.UTF_8)));
    send(exchange, 200, body);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
