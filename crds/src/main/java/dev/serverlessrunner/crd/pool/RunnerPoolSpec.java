package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** Desired state of a {@link RunnerPool}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.replicas) && has(self.autoscaling))",
    message = "set either replicas or autoscaling, not both (remove replicas to autoscale)")
public class RunnerPoolSpec {
  @SpecReplicas
  @Min(0)
  @JsonPropertyDescription(
      "Fixed number of runner pods (also set by kubectl scale). Defaults to 1 when neither"
          + " replicas nor autoscaling is set; must be absent when autoscaling is set.")
  private Integer replicas;

  @JsonPropertyDescription(
      "Scale the runner pods instead of keeping a fixed replica count: on CPU with a"
          + " HorizontalPodAutoscaler, on in-flight requests with KEDA, to zero with KEDA's HTTP"
          + " add-on.")
  private Autoscaling autoscaling;

  @JsonPropertyDescription(
      "Runner container image. When omitted the operator's configured runner image is used, so"
          + " upgrading the operator upgrades such pools.")
  private String image;

  @JsonPropertyDescription(
      "CPU and memory requests and limits of the runner container. When omitted the operator's"
          + " configured defaults apply; autoscaling on CPU needs a CPU request.")
  private ResourceRequirements resources;

  @JsonPropertyDescription(
      "Where execution records are stored. When omitted, each runner uses its embedded"
          + " PostgreSQL (records are lost with the pod).")
  private Persistence persistence;

  @JsonPropertyDescription(
      "How callers are authenticated: none (the development default, reported as such), api-key or"
          + " jwt. Functions add their own requirements in their spec.auth.")
  private PoolAuth auth;

  @JsonPropertyDescription(
      "Which response headers of CGI functions reach clients: a deny-list added to the default"
          + " (headers acting on the whole shared origin, e.g. Set-Cookie) and an allow-list"
          + " exempting names from it. Dropped headers are counted in"
          + " runner_cgi_headers_dropped_total.")
  private ResponseHeaders responseHeaders;

  @Default("{}")
  @JsonPropertyDescription(
      "Limits the pool's functions may ask for (spec.functionLimits.max); sizes the runner pods'"
          + " heap check.")
  private PoolFunctionLimits functionLimits;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Autoscaling getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(Autoscaling autoscaling) {
    this.autoscaling = autoscaling;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public PoolFunctionLimits getFunctionLimits() {
    return functionLimits;
  }

  public void setFunctionLimits(PoolFunctionLimits functionLimits) {
    this.functionLimits = functionLimits;
  }

  public Persistence getPersistence() {
    return persistence;
  }

  public void setPersistence(Persistence persistence) {
    this.persistence = persistence;
  }

  public PoolAuth getAuth() {
    return auth;
  }

  public void setAuth(PoolAuth auth) {
    this.auth = auth;
  }

  public ResponseHeaders getResponseHeaders() {
    return responseHeaders;
  }

  public void setResponseHeaders(ResponseHeaders responseHeaders) {
    this.responseHeaders = responseHeaders;
  }
}
