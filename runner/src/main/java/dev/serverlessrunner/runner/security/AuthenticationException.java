package dev.serverlessrunner.runner.security;

/**
 * Credentials were sent but do not prove anything: unknown key, bad signature, expired, wrong
 * issuer or audience. The message is safe to answer with (it never holds the credential).
 */
public final class AuthenticationException extends RuntimeException {

  public AuthenticationException(String message) {
    super(message, null, false, false);
  }
}
