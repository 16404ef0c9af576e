package dev.serverlessrunner.oci.testsupport;

import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.oci.Digests;
import dev.serverlessrunner.oci.OciReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A real OCI registry (Debian's {@code docker-registry}, distribution 2.8) on a free loopback port,
 * with filesystem storage in a temporary directory; anonymous, with htpasswd basic auth, or with
 * token auth against a {@link TokenServer}. Its log goes to {@code
 * target/registry-logs/<port>.log}.
 */
public final class LocalRegistry implements AutoCloseable {

  private static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final Process process;
  private final int port;
  private final Path root;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private LocalRegistry(Process process, int port, Path root, Path log) {
    this.process = process;
    this.port = port;
    this.root = root;
    this.log = log;
  }

  /** A registry anyone may read and write. */
  public static LocalRegistry start() {
    return launch("");
  }

  /** A registry that requires {@code user}/{@code password} (HTTP basic) for everything. */
  public static LocalRegistry startWithBasicAuth(String user, String password) {
    return launch(
        dir -> {
          Path htpasswd = dir.resolve("htpasswd");
          byte[] salt = new byte[16];
          new SecureRandom().nextBytes(salt);
          // Cost 4, the minimum: the hash guards nothing and every request re-checks it.
          String hash = OpenBSDBCrypt.generate("2b", password.toCharArray(), salt, 4);
          Files.writeString(htpasswd, user + ":" + hash + "\n");
          return """
              auth:
                htpasswd:
                  realm: local-registry
                  path: %s
              """
              .formatted(htpasswd);
        });
  }

  /** A registry that accepts only bearer tokens issued by {@code tokens}. */
  public static LocalRegistry startWithTokenAuth(TokenServer tokens) {
    return launch(
        dir -> {
          Path bundle = dir.resolve("token-root.pem");
          Files.writeString(bundle, tokens.certificatePem());
          return """
              auth:
                token:
                  realm: %s
                  service: %s
                  issuer: %s
                  rootcertbundle: %s
              """
              .formatted(tokens.realm(), TokenServer.SERVICE, TokenServer.ISSUER, bundle);
        });
  }

  /** {@code 127.0.0.1:<port>}, the registry part of references. */
  public String registry() {
    return "127.0.0.1:" + port;
  }

  /** {@code repositoryAndTag} (e.g. {@code fn/greeter:v1}) on this registry. */
  public OciReference reference(String repositoryAndTag) {
    return OciReference.parse(registry() + "/" + repositoryAndTag);
  }

  /** The file the registry stores blob {@code digest} in. */
  public Path blobFile(String digest) {
    String hex = Digests.hex(digest);
    return root.resolve("data/docker/registry/v2/blobs/sha256")
        .resolve(hex.substring(0, 2))
        .resolve(hex)
        .resolve("data");
  }

  /**
   * How many requests whose request line contains {@code fragment} the registry has served, as its
   * access log says; waits until a marker request sent now is logged, so earlier requests are all
   * counted.
   */
  public long countRequests(String fragment) {
    String marker = UUID.randomUUID().toString();
    try {
      http.send(
          HttpRequest.newBuilder(URI.create("http://" + registry() + "/v2/?marker=" + marker))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> accessLog().stream().anyMatch(l -> l.contains(marker)));
    return accessLog().stream().filter(l -> l.contains(fragment)).count();
  }

  /** The access log lines ({@code "GET /v2/… HTTP/1.1" 200 …}). */
  public List<String> accessLog() {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains(" /v2/") && l.contains("\" ")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
    deleteRecursively(root);
  }

  @FunctionalInterface
  private interface AuthSection {
    String write(Path dir) throws IOException;
  }

  private static LocalRegistry launch(String authSection) {
    return launch(dir -> authSection);
  }

  private static LocalRegistry launch(AuthSection auth) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's docker-registry package (.ci/run does)");
    }
    try {
      Path root = Files.createTempDirectory("local-registry");
      int port = freePort();
      Path config = root.resolve("config.yml");
      Files.writeString(
          config,
          """
          version: 0.1
          log:
            level: info
            accesslog:
              disabled: false
          storage:
            filesystem:
              rootdirectory: %s
            delete:
              enabled: true
          http:
            addr: 127.0.0.1:%d
          %s"""
              .formatted(root.resolve("data"), port, auth.write(root)));
      Path logs = Files.createDirectories(Path.of("target", "registry-logs"));
      Path log = logs.resolve(port + ".log");
      Process process =
          new ProcessBuilder(BINARY.toString(), "serve", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      LocalRegistry registry = new LocalRegistry(process, port, root, log);
      registry.awaitReady();
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start docker-registry", e);
    }
  }

  private void awaitReady() {
    try {
      await()
          .atMost(STARTUP)
          .pollInterval(Duration.ofMillis(50))
          .failFast("docker-registry exited; see " + log, () -> !process.isAlive())
          .ignoreExceptions()
          .until(
              () ->
                  http.send(
                              HttpRequest.newBuilder(URI.create("http://" + registry() + "/v2/"))
                                  .timeout(Duration.ofSeconds(2))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      > 0);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
