package dev.serverlessrunner.runner.security;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Verifies bearer JWTs with SmallRye JWT: signature against the issuer's JWKS (fetched and cached
 * by SmallRye, refreshed when an unknown key id appears), issuer, audience, expiry. Blocking on the
 * first use and on key refreshes: call it off the event loop.
 */
public final class JwtVerifier {

  private static final Logger LOG = Logger.getLogger(JwtVerifier.class);

  private final DefaultJWTParser parser;

  /**
   * A verifier of tokens from {@code issuer}, signed by a key of {@code jwksUrl}, for one of {@code
   * audience} (empty: any audience), with roles at {@code rolesClaim}.
   */
  public JwtVerifier(String issuer, String jwksUrl, Set<String> audience, String rolesClaim) {
    JWTAuthContextInfo info = new JWTAuthContextInfo(jwksUrl, issuer);
    if (!audience.isEmpty()) {
      info.setExpectedAudience(Set.copyOf(audience));
    }
    info.setGroupsPath(rolesClaim);
    this.parser = new DefaultJWTParser(info);
  }

  /** The caller the token proves, or {@link AuthenticationException} saying why not. */
  public Caller verify(String token) {
    JsonWebToken jwt;
    try {
      jwt = parser.parse(token);
    } catch (ParseException e) {
      throw new AuthenticationException(reason(e));
    }
    String subject = jwt.getSubject() != null ? jwt.getSubject() : jwt.getName();
    return Caller.of(
        subject == null ? "jwt" : subject,
        scopes(jwt),
        jwt.getGroups() == null ? Set.of() : jwt.getGroups());
  }

  /** OAuth 2 scopes: {@code scope} (space-separated, RFC 8693) and {@code scp} (string or list). */
  private static Set<String> scopes(JsonWebToken jwt) {
    Set<String> scopes = new LinkedHashSet<>();
    for (String claim : List.of("scope", "scp")) {
      Object value = jwt.getClaim(claim);
      if (value instanceof Collection<?> list) {
        list.forEach(v -> scopes.add(unquote(String.valueOf(v))));
      } else if (value != null) {
        for (String s : unquote(String.valueOf(value)).split("\\s+")) {
          if (!s.isEmpty()) {
            scopes.add(s);
          }
        }
      }
    }
    return scopes;
  }

  /** JSON-P string values print with their quotes. */
  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  /**
   * A short reason safe to answer with: jose4j's own messages quote the token's content, so they
   * stay in the debug log.
   */
  private static String reason(ParseException e) {
    LOG.debugf(e, "JWT refused");
    Throwable cause = e;
    while (cause != null && !(cause instanceof InvalidJwtException)) {
      if (cause instanceof org.jose4j.lang.UnresolvableKeyException) {
        LOG.warnf("JWT refused: no key of the issuer's JWKS verifies it (%s)", cause.getMessage());
        return "token signing key unknown";
      }
      cause = cause.getCause();
    }
    if (cause instanceof InvalidJwtException invalid) {
      if (invalid.hasExpired()) {
        return "token expired";
      }
      if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)
          || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
        return "token not meant for this audience";
      }
      if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID)
          || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
        return "token from another issuer";
      }
      if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
        return "token signature invalid";
      }
    }
    return "invalid token";
  }
}
