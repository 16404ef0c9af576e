package dev.serverlessrunner.runner.security;

import dev.serverlessrunner.runner.source.FunctionAuth;

/**
 * Who may invoke a function and read its records; pure. Invoking: a public function, or an
 * authenticated caller holding every required scope and, when roles are listed, one of them.
 * Reading a record: whoever may invoke its function now, or a caller holding the admin scope.
 */
public final class AccessPolicy {

  /** The outcome of a check. */
  public enum Decision {
    ALLOW,
    /** No (valid) credentials, and they are needed: 401. */
    UNAUTHENTICATED,
    /** Authenticated, but not allowed: 403. */
    FORBIDDEN
  }

  private final String adminScope;

  /** A policy whose records are readable by holders of {@code adminScope}. */
  public AccessPolicy(String adminScope) {
    this.adminScope = adminScope;
  }

  /** Whether {@code caller} may invoke a function with {@code auth}. */
  public Decision invoke(Caller caller, FunctionAuth auth) {
    if (auth.isPublic()) {
      return Decision.ALLOW;
    }
    if (!caller.authenticated()) {
      return Decision.UNAUTHENTICATED;
    }
    boolean scopes = caller.scopes().containsAll(auth.requiredScopes());
    boolean roles =
        auth.requiredRoles().isEmpty()
            || auth.requiredRoles().stream().anyMatch(caller.roles()::contains);
    return scopes && roles ? Decision.ALLOW : Decision.FORBIDDEN;
  }

  /**
   * Whether {@code caller} may read a record of a function with {@code auth}; {@code null} when the
   * function is no longer served (then only the admin scope reads it).
   */
  public Decision read(Caller caller, FunctionAuth auth) {
    if (auth != null && invoke(caller, auth) == Decision.ALLOW) {
      return Decision.ALLOW;
    }
    if (!caller.authenticated()) {
      return Decision.UNAUTHENTICATED;
    }
    return caller.scopes().contains(adminScope) ? Decision.ALLOW : Decision.FORBIDDEN;
  }
}
