package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/** How the pool's runners authenticate whoever invokes a function or reads a record. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.mode != 'api-key' || has(self.apiKeysSecretRef)",
    message = "auth.mode api-key needs auth.apiKeysSecretRef (a Secret of key hashes)")
@ValidationRule(
    value =
        "self.mode != 'jwt' || (has(self.jwt) && has(self.jwt.issuer) && has(self.jwt.jwksUrl))",
    message = "auth.mode jwt needs auth.jwt.issuer and auth.jwt.jwksUrl")
public class PoolAuth {
  @Default("none")
  @JsonPropertyDescription(
      "none (development: anyone who reaches the runners invokes every function and reads every"
          + " record), api-key (Authorization: Bearer <key>, checked against apiKeysSecretRef) or"
          + " jwt (Authorization: Bearer <JWT>, verified against jwt).")
  private AuthMode mode;

  @JsonPropertyDescription(
      "Secret in the pool's namespace with one key per API key id, whose value is the SHA-256 of"
          + " the API key in hex, then the scopes it grants, space-separated (e.g. runner:admin"
          + " reads every record). Mounted into the runner pods; rotated without restarts.")
  private LocalObjectReference apiKeysSecretRef;

  @JsonPropertyDescription("The JWT issuer, its keys and the accepted audience (mode jwt).")
  private JwtAuth jwt;

  public AuthMode getMode() {
    return mode;
  }

  public void setMode(AuthMode mode) {
    this.mode = mode;
  }

  public LocalObjectReference getApiKeysSecretRef() {
    return apiKeysSecretRef;
  }

  public void setApiKeysSecretRef(LocalObjectReference apiKeysSecretRef) {
    this.apiKeysSecretRef = apiKeysSecretRef;
  }

  public JwtAuth getJwt() {
    return jwt;
  }

  public void setJwt(JwtAuth jwt) {
    this.jwt = jwt;
  }
}
