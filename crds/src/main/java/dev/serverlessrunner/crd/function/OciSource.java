package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LocalObjectReference;

/** A module published as an OCI artifact (CNCF Wasm layout or Spin's layer type). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OciSource {
  @Required
  @JsonPropertyDescription(
      "Artifact reference, e.g. registry.example.com/team/hello:1.0 or"
          + " registry.example.com/team/hello@sha256:<hex>. A tag is resolved to a digest by the"
          + " operator and the resolved digest is shown in status.digest.")
  private String ref;

  @Pattern("^sha256:[a-f0-9]{64}$")
  @JsonPropertyDescription(
      "Optional manifest digest (sha256:<64 hex>) pinning the artifact; when set, the tag in ref"
          + " is not resolved.")
  private String digest;

  @JsonPropertyDescription(
      "Optional Secret of type kubernetes.io/dockerconfigjson, in the same namespace, with"
          + " credentials for the registry.")
  private LocalObjectReference pullSecretRef;

  public String getRef() {
    return ref;
  }

  public void setRef(String ref) {
    this.ref = ref;
  }

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public LocalObjectReference getPullSecretRef() {
    return pullSecretRef;
  }

  public void setPullSecretRef(LocalObjectReference pullSecretRef) {
    this.pullSecretRef = pullSecretRef;
  }
}
