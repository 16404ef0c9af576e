package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a pool's runners authenticate callers. */
public enum AuthMode {
  /** Nobody is authenticated: development only. */
  @JsonProperty("none")
  NONE,
  /** Bearer API keys, checked against the SHA-256 hashes in a Secret. */
  @JsonProperty("api-key")
  API_KEY,
  /** Bearer JWTs from one issuer, verified against its JWKS. */
  @JsonProperty("jwt")
  JWT;

  /** The name in a RunnerPool and in the runner's {@code runner.auth.mode}. */
  public String wireName() {
    return switch (this) {
      case NONE -> "none";
      case API_KEY -> "api-key";
      case JWT -> "jwt";
    };
  }
}
