package dev.serverlessrunner.operator.function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.serverlessrunner.oci.Digests;
import dev.serverlessrunner.oci.MediaTypes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server speaking the parts of the distribution API v2 the operator uses: manifests
 * and blobs fetched by GET behind a bearer-token challenge whose token service wants basic
 * credentials, each manifest answered with its {@code Docker-Content-Digest}.
 */
public final class FakeRegistry implements AutoCloseable {
  public static final String USER = "robot";
  public static final String PASSWORD = "s3cret";
  static final String TOKEN = "t0ken";

  private static final String MANIFESTS = "/manifests/";
  private static final String BLOBS = "/blobs/";

  private final HttpServer server;
  private final Map<String, String> manifests = new ConcurrentHashMap<>();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final AtomicInteger blobPulls = new AtomicInteger();

  public FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.createContext("/v2/", this::manifest);
    server.start();
  }

  /** An OCI manifest of a Wasm artifact with one layer of the given type, digest and size. */
  public static String wasmManifest(String layerMediaType, String layerDigest, long layerSize) {
    String config = Digests.sha256("{}".getBytes(StandardCharsets.UTF_8));
    return """
        {"schemaVersion":2,"mediaType":"%s",
         "config":{"mediaType":"%s","digest":"%s","size":2},
         "layers":[{"mediaType":"%s","digest":"%s","size":%d}]}
        """
        .formatted(
            MediaTypes.OCI_MANIFEST,
            MediaTypes.WASM_CONFIG,
            config,
            layerMediaType,
            layerDigest,
            layerSize);
  }

  /** host:port of the registry. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Serves {@code manifestJson} at {@code /v2/<repository>/manifests/<reference>}. */
  public void put(String repository, String reference, String manifestJson) {
    manifests.put("/v2/" + repository + MANIFESTS + reference, manifestJson);
  }

  /** Serves {@code content} at {@code /v2/<repository>/blobs/<its sha256 digest>}. */
  public void putBlob(String repository, byte[] content) {
    blobs.put("/v2/" + repository + BLOBS + Digests.sha256(content), content);
  }

  /** Serves {@code wasm} as a one-layer Wasm artifact tagged {@code tag}. */
  public void putWasm(String repository, String tag, byte[] wasm) {
    putBlob(repository, wasm);
    put(repository, tag, wasmManifest("application/wasm", Digests.sha256(wasm), wasm.length));
  }

  /** Blobs served so far. */
  public int blobPulls() {
    return blobPulls.get();
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
    String path = exchange.getRequestURI().getPath();
    boolean blob = path.contains(BLOBS);
    if (!exchange.getRequestMethod().equals("GET") || !(blob || path.contains(MANIFESTS))) {
      send(exchange, 405, "{\"errors\":[{\"code\":\"UNSUPPORTED\"}]}");
      return;
    }
    if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      String repository = path.substring("/v2/".length(), path.indexOf(blob ? BLOBS : MANIFESTS));
      exchange
          .getResponseHeaders()
          .add(
              "WWW-Authenticate",
              "Bearer realm=\"http://"
                  + host()
                  + "/token\",service=\"fake-registry\",scope=\"repository:"
                  + repository
                  + ":pull\"");
      send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
      return;
    }
    if (blob) {
      sendBlob(exchange, blobs.get(path));
      return;
    }
    String body = manifests.get(path);
    if (body == null) {
      send(exchange, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
      return;
    }
    exchange
        .getResponseHeaders()
        .add("Docker-Content-Digest", Digests.sha256(body.getBytes(StandardCharsets.UTF_8)));
    send(exchange, 200, body);
  }

  private void sendBlob(HttpExchange exchange, byte[] content) throws IOException {
    if (content == null) {
      send(exchange, 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}");
      return;
    }
    blobPulls.incrementAndGet();
    exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
    exchange.sendResponseHeaders(200, content.length);
    exchange.getResponseBody().write(content);
    exchange.close();
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
