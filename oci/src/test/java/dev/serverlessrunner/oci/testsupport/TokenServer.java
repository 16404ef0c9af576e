package dev.serverlessrunner.oci.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker token service (the registry's bearer-token realm) on a free loopback port: checks HTTP
 * basic credentials and issues RS256 JWTs, signed by a self-signed certificate made with the JDK's
 * keytool, granting the requested repository actions; anonymous callers get a token with no access,
 * as Docker Hub gives for private repositories.
 */
public final class TokenServer implements AutoCloseable {

  static final String SERVICE = "local-registry";
  static final String ISSUER = "local-token-server";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final char[] STORE_PASSWORD = "changeit".toCharArray();

  private final HttpServer server;
  private final PrivateKey key;
  private final X509Certificate certificate;
  private final String user;
  private final String password;
  private final AtomicInteger issued = new AtomicInteger();

  private TokenServer(
      HttpServer server,
      PrivateKey key,
      X509Certificate certificate,
      String user,
      String password) {
    this.server = server;
    this.key = key;
    this.certificate = certificate;
    this.user = user;
    this.password = password;
  }

  /** A token service that grants {@code user}/{@code password} everything it asks for. */
  public static TokenServer start(String user, String password) {
    try {
      Path dir = Files.createTempDirectory("token-server");
      Path store = dir.resolve("token.p12");
      try {
        runKeytool(store);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
          ks.load(in, STORE_PASSWORD);
        }
        PrivateKey key = (PrivateKey) ks.getKey("token", STORE_PASSWORD);
        X509Certificate cert = (X509Certificate) ks.getCertificate("token");
        HttpServer server =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TokenServer tokens = new TokenServer(server, key, cert, user, password);
        server.createContext("/token", tokens::handle);
        server.start();
        return tokens;
      } finally {
        Files.deleteIfExists(store);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the token server", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the token signing key", e);
    }
  }

  /** The realm URL the registry sends clients to. */
  public String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** The signing certificate, PEM-encoded, for the registry's root bundle. */
  public String certificatePem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many tokens were handed out (to users and anonymous callers alike). */
  public int tokensIssued() {
    return issued.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String subject = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
      if (subject == null) {
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      List<String> scopes = new ArrayList<>();
      String query = exchange.getRequestURI().getRawQuery();
      for (String pair : query == null ? new String[0] : query.split("&")) {
        if (pair.startsWith("scope=")) {
          scopes.add(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
        }
      }
      String jwt = sign(subject, subject.isEmpty() ? List.of() : scopes);
      ObjectNode body = JSON.createObjectNode();
      body.put("token", jwt);
      body.put("expires_in", 300);
      body.put("issued_at", Instant.now().toString());
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      issued.incrementAndGet();
    }
  }

  /** The subject: the user, "" for anonymous, or {@code null} for wrong credentials. */
  private String authenticate(String authorization) {
    if (authorization == null) {
      return "";
    }
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return authorization.equals(expected) ? user : null;
  }

  private String sign(String subject, List<String> scopes) throws IOException {
    ObjectNode header = JSON.createObjectNode();
    header.put("typ", "JWT");
    header.put("alg", "RS256");
    try {
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", ISSUER);
    claims.put("sub", subject);
    claims.put("aud", SERVICE);
    claims.put("exp", now + 300);
    claims.put("nbf", now - 10);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String scope : scopes) {
      // repository:<name>:<action,action>; the name may itself hold no colon.
      String[] parts = scope.split(":");
      if (parts.length == 3) {
        ObjectNode grant = access.addObject();
        grant.put("type", parts[0]);
        grant.put("name", parts[1]);
        ArrayNode actions = grant.putArray("actions");
        for (String action : parts[2].split(",")) {
          actions.add(action);
        }
      }
    }
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        b64.encodeToString(JSON.writeValueAsBytes(header))
            + "."
            + b64.encodeToString(JSON.writeValueAsBytes(claims));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  private static void runKeytool(Path store) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "token",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-sigalg",
                "SHA256withRSA",
                "-dname",
                "CN=" + ISSUER,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(STORE_PASSWORD))
            .redirectErrorStream(true)
            .start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    }
  }
}
