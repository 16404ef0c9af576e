package dev.serverlessrunner.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The distribution spec's auth flow: answers a 401 challenge with basic credentials or a bearer
 * token from the challenge's realm, and remembers tokens per registry, scope and user until they
 * expire, so later requests authenticate up front.
 */
final class Authenticator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TOKEN_BODY_LIMIT = 1 << 20;

  /** The token spec's default and minimum lifetime. */
  private static final long DEFAULT_TOKEN_SECONDS = 60;

  /** Renew this long before expiry, so a token does not lapse on its way to the registry. */
  private static final long EXPIRY_MARGIN_NANOS = 5_000_000_000L;

  private record Token(String header, long expiresAtNanos) {
    boolean valid() {
      return System.nanoTime() - expiresAtNanos < 0;
    }
  }

  private final Transport transport;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Set<String> basicRegistries = ConcurrentHashMap.newKeySet();

  Authenticator(Transport transport) {
    this.transport = transport;
  }

  /** The Authorization header to send up front, or {@code null} to try without. */
  String cached(OciReference ref, String scope, RegistryCredentials creds) {
    if (!creds.isAnonymous() && basicRegistries.contains(ref.registry())) {
      return creds.basicHeader();
    }
    Token token = tokens.get(key(ref, scope, creds));
    return token != null && token.valid() ? token.header() : null;
  }

  /** Answers the 401 {@code unauthorized} with an Authorization header, or throws. */
  String answer(
      OciReference ref,
      String scope,
      RegistryCredentials creds,
      Transport.Response unauthorized,
      String what) {
    Challenge challenge =
        Challenge.select(unauthorized.headers().allValues("WWW-Authenticate"))
            .orElseThrow(
                () ->
                    new OciException(
                        OciException.Kind.UNAUTHORIZED,
                        what + ": the registry answered 401 without a Basic or Bearer challenge"));
    if (challenge.scheme().equals("basic")) {
      if (creds.isAnonymous()) {
        throw new OciException(
            OciException.Kind.UNAUTHORIZED,
            what + ": the registry requires credentials (basic auth) and none were given");
      }
      basicRegistries.add(ref.registry());
      return creds.basicHeader();
    }
    Token token = fetchToken(challenge, scope, creds, what);
    tokens.put(key(ref, scope, creds), token);
    return token.header();
  }

  private Token fetchToken(
      Challenge challenge, String scope, RegistryCredentials creds, String what) {
    String realm = challenge.param("realm");
    if (realm == null || realm.isEmpty()) {
      throw new OciException(
          OciException.Kind.PROTOCOL, what + ": bearer challenge without a realm");
    }
    StringBuilder query = new StringBuilder();
    String service = challenge.param("service");
    if (service != null) {
      query.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
    }
    if (scope != null) {
      query.append(query.isEmpty() ? "" : "&");
      query.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    }
    URI uri;
    try {
      uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
    } catch (IllegalArgumentException e) {
      throw new OciException(
          OciException.Kind.PROTOCOL, what + ": invalid token realm '" + realm + "'", e);
    }
    String tokenWhat = what + " (token from " + uri.getAuthority() + ")";
    Map<String, String> headers =
        creds.isAnonymous() ? Map.of() : Map.of("Authorization", creds.basicHeader());
    Transport.Response response =
        transport.send("GET", uri, headers, null, TOKEN_BODY_LIMIT, tokenWhat);
    if (response.status() == 401 || response.status() == 403) {
      throw new OciException(
          OciException.Kind.UNAUTHORIZED,
          tokenWhat + ": the token service refused " + creds + " (HTTP " + response.status() + ")");
    }
    if (!response.isSuccess()) {
      throw RegistryErrors.failure(response, tokenWhat);
    }
    return parseToken(response.body(), tokenWhat);
  }

  private static Token parseToken(byte[] body, String what) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      // Not chained: the parser's message quotes the answer, which may hold the token.
      throw new OciException(OciException.Kind.PROTOCOL, what + ": token answer is not JSON");
    }
    String token = root.path("token").asText("");
    if (token.isEmpty()) {
      token = root.path("access_token").asText("");
    }
    if (token.isEmpty()) {
      throw new OciException(OciException.Kind.PROTOCOL, what + ": token answer has no token");
    }
    long seconds = Math.max(root.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS), 1);
    long expiresAt = System.nanoTime() + seconds * 1_000_000_000L - EXPIRY_MARGIN_NANOS;
    return new Token("Bearer " + token, expiresAt);
  }

  private static String key(OciReference ref, String scope, RegistryCredentials creds) {
    // The password's hash keeps a token won with one password from serving another.
    String who = creds.isAnonymous() ? "" : creds.username() + "|" + creds.password().hashCode();
    return ref.registry() + "|" + scope + "|" + who;
  }
}
