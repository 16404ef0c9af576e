package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Where a pool's JWTs come from and whom they are for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JwtAuth {
  @JsonPropertyDescription("The iss claim every token must carry.")
  private String issuer;

  @JsonPropertyDescription(
      "URL of the issuer's signing keys (a JWKS document), reachable from the runner pods.")
  private String jwksUrl;

  @JsonPropertyDescription("Accepted aud values; when omitted any audience is accepted.")
  private List<String> audience;

  @JsonPropertyDescription(
      "Claim (or path, e.g. realm_access/roles) holding the caller's roles; default groups.")
  private String rolesClaim;

  public String getIssuer() {
    return issuer;
  }

  public void setIssuer(String issuer) {
    this.issuer = issuer;
  }

  public String getJwksUrl() {
    return jwksUrl;
  }

  public void setJwksUrl(String jwksUrl) {
    this.jwksUrl = jwksUrl;
  }

  public List<String> getAudience() {
    return audience;
  }

  public void setAudience(List<String> audience) {
    this.audience = audience;
  }

  public String getRolesClaim() {
    return rolesClaim;
  }

  public void setRolesClaim(String rolesClaim) {
    this.rolesClaim = rolesClaim;
  }
}
