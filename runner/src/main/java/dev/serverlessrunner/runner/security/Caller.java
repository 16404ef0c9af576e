package dev.serverlessrunner.runner.security;

import java.util.Set;

/**
 * Who sent a request, as far as its credentials prove.
 *
 * @param subject the key id ({@code api-key:<id>}) or the token's subject; {@code anonymous} when
 *     no credentials were sent
 * @param authenticated whether credentials were sent and verified
 * @param scopes the scopes granted (a JWT's {@code scope}/{@code scp}, an API key's list)
 * @param roles the roles granted (a JWT's groups claim, an API key's list)
 */
public record Caller(String subject, boolean authenticated, Set<String> scopes, Set<String> roles) {

  /** A request without credentials. */
  public static final Caller ANONYMOUS = new Caller("anonymous", false, Set.of(), Set.of());

  public Caller {
    scopes = Set.copyOf(scopes);
    roles = Set.copyOf(roles);
  }

  /** An authenticated caller. */
  public static Caller of(String subject, Set<String> scopes, Set<String> roles) {
    return new Caller(subject, true, scopes, roles);
  }
}
