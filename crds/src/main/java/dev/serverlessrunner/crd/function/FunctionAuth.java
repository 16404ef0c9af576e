package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Who may invoke a function (and read its records), beyond its pool's authentication. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FunctionAuth {
  @JsonProperty("public")
  @JsonPropertyDescription(
      "Anyone may invoke the function and read its records, without credentials.")
  private Boolean isPublic;

  @JsonPropertyDescription("Scopes the caller must hold, every one of them.")
  private List<String> requiredScopes;

  @JsonPropertyDescription("Roles of which the caller must hold at least one.")
  private List<String> requiredRoles;

  @JsonProperty("public")
  public Boolean getPublic() {
    return isPublic;
  }

  @JsonProperty("public")
  public void setPublic(Boolean isPublic) {
    this.isPublic = isPublic;
  }

  public List<String> getRequiredScopes() {
    return requiredScopes;
  }

  public void setRequiredScopes(List<String> requiredScopes) {
    this.requiredScopes = requiredScopes;
  }

  public List<String> getRequiredRoles() {
    return requiredRoles;
  }

  public void setRequiredRoles(List<String> requiredRoles) {
    this.requiredRoles = requiredRoles;
  }
}
