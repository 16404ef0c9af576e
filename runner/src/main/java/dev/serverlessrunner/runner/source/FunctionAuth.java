package dev.serverlessrunner.runner.source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Who may invoke a function (and read its records), beyond being authenticated to the pool.
 *
 * @param isPublic anyone may invoke it, without credentials, whatever the pool's mode
 * @param requiredScopes scopes the caller must hold, every one of them
 * @param requiredRoles roles of which the caller must hold at least one (none listed: no role
 *     needed)
 */
public record FunctionAuth(
    boolean isPublic, List<String> requiredScopes, List<String> requiredRoles) {

  /** Not public; any authenticated caller of the pool. */
  public static final FunctionAuth DEFAULT = new FunctionAuth(false, List.of(), List.of());

  public FunctionAuth {
    requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
    requiredRoles = requiredRoles == null ? List.of() : List.copyOf(requiredRoles);
  }

  /** Reads the YAML/CRD form {@code {public, requiredScopes, requiredRoles}}. */
  @JsonCreator
  public static FunctionAuth of(
      @JsonProperty("public") Boolean isPublic,
      @JsonProperty("requiredScopes") List<String> requiredScopes,
      @JsonProperty("requiredRoles") List<String> requiredRoles) {
    return new FunctionAuth(Boolean.TRUE.equals(isPublic), requiredScopes, requiredRoles);
  }
}
