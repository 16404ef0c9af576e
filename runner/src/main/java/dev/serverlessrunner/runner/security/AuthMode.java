package dev.serverlessrunner.runner.security;

/** How a runner authenticates callers ({@code runner.auth.mode}). */
public enum AuthMode {
  /** Nobody is authenticated and everybody may do everything: development only. */
  NONE,
  /** {@code Authorization: Bearer <key>}, checked against SHA-256 hashes from a Secret. */
  API_KEY,
  /** {@code Authorization: Bearer <JWT>}, verified against an issuer's JWKS and an audience. */
  JWT;

  /** The configuration spelling: {@code none}, {@code api-key}, {@code jwt}. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
