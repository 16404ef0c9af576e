package dev.serverlessrunner.runner.security;

import com.sun.net.httpserver.HttpServer;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * A runner with authentication on, for the security tests: one real PostgreSQL shard, real guests
 * with per-function auth settings, and either a directory of API key hashes (a mounted Secret) or a
 * JWKS served over HTTP on loopback with an RSA key generated here. Init arg {@code mode}: {@code
 * api-key} or {@code jwt}.
 */
public class SecuredRunner implements QuarkusTestResourceLifecycleManager {

  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "serverless-runner";

  /**
   * API keys by id: {@code a} (scope invoke:a), {@code b} (invoke:b), {@code plain}, {@code admin}.
   */
  static final Map<String, String> KEYS = new HashMap<>();

  private static volatile KeyPair signing;
  private static volatile KeyPair stranger;
  private static volatile String jwksUrl;

  private String mode;
  private PostgresClusters shards;
  private HttpServer jwks;

  @Override
  public void init(Map<String, String> initArgs) {
    mode = initArgs.get("mode");
  }

  @Override
  public Map<String, String> start() {
    shards = PostgresClusters.start(1);
    Map<String, String> config = new HashMap<>();
    config.put("runner.recording.shards", shards.uri(0));
    config.put("runner.recording.flush-interval", "10ms");
    config.put("runner.functions.dir", functions().toString());
    config.put("runner.auth.mode", mode);
    try {
      if (mode.equals("api-key")) {
        config.put("runner.auth.api-keys-dir", apiKeys().toString());
      } else {
        signing = rsa();
        stranger = rsa();
        jwks = jwksServer();
        config.put("runner.auth.jwt.issuer", ISSUER);
        config.put("runner.auth.jwt.jwks-url", jwksUrl);
        config.put("runner.auth.jwt.audience", AUDIENCE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return config;
  }

  @Override
  public void stop() {
    if (jwks != null) {
      jwks.stop(0);
    }
    if (shards != null) {
      shards.close();
    }
  }

  /**
   * {@code greeter}: any authenticated caller; {@code open}: public; {@code fib-a} / {@code fib-b}:
   * scope invoke:a / invoke:b; {@code fib-ops}: role ops or oncall.
   */
  private static Path functions() {
    try {
      Path dir = Files.createTempDirectory("secured-functions");
      Files.write(dir.resolve("greeter.wasm"), Guests.bytes("greeter"));
      Files.write(dir.resolve("open.wasm"), Guests.bytes("greeter"));
      Files.writeString(dir.resolve("open.yaml"), "auth:\n  public: true\n");
      for (String f : new String[] {"a", "b"}) {
        Files.write(dir.resolve("fib-" + f + ".wasm"), Guests.bytes("fib"));
        Files.writeString(
            dir.resolve("fib-" + f + ".yaml"), "auth:\n  requiredScopes: [invoke:" + f + "]\n");
      }
      Files.write(dir.resolve("fib-ops.wasm"), Guests.bytes("fib"));
      Files.writeString(dir.resolve("fib-ops.yaml"), "auth:\n  requiredRoles: [ops, oncall]\n");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The mounted Secret: one file per key id holding the key's SHA-256 and its scopes. */
  private static Path apiKeys() throws IOException {
    Path dir = Files.createTempDirectory("api-keys");
    Map<String, String> grants =
        Map.of("a", "invoke:a", "b", "invoke:b", "plain", "", "admin", "runner:admin");
    for (Map.Entry<String, String> grant : grants.entrySet()) {
      byte[] secret = new byte[24];
      new SecureRandom().nextBytes(secret);
      String key = "sr_" + HexFormat.of().formatHex(secret);
      KEYS.put(grant.getKey(), key);
      Files.writeString(
          dir.resolve(grant.getKey()),
          ApiKeys.sha256Hex(key) + " " + grant.getValue() + "\n",
          StandardCharsets.UTF_8);
    }
    // Kubernetes' own bookkeeping in a Secret volume, which must be ignored.
    Files.createDirectory(dir.resolve("..2026_01_01_00_00_00.000000000"));
    return dir;
  }

  private static HttpServer jwksServer() throws IOException {
    RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) signing.getPublic());
    jwk.setKeyId("k1");
    jwk.setAlgorithm("RS256");
    byte[] body = new JsonWebKeySet(jwk).toJson().getBytes(StandardCharsets.UTF_8);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    jwksUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    return server;
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims of a valid token (issuer, audience, subject, an hour to live), to adjust and sign. */
  static JwtClaimsBuilder claims(String subject) {
    return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).expiresIn(3600);
  }

  /** Signs with the key the JWKS publishes. */
  static String sign(JwtClaimsBuilder claims) {
    return claims.jws().keyId("k1").sign(signing.getPrivate());
  }

  /** Signs with a key the issuer never published, under the published key's id. */
  static String signWithStrangerKey(JwtClaimsBuilder claims) {
    PrivateKey key = stranger.getPrivate();
    return claims.jws().keyId("k1").sign(key);
  }
}
