package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** Desired state of a {@link WasmFunction}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WasmFunctionSpec {
  @Required
  @JsonPropertyDescription(
      "Where the WebAssembly module comes from: exactly one of configMap or oci.")
  private ModuleSource source;

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of the RunnerPool (in the same namespace) whose runners serve this function.")
  private String pool;

  @JsonPropertyDescription("Per-invocation resource limits. Every field has a default.")
  private FunctionLimits limits;

  @JsonPropertyDescription(
      "Environment variables the guest sees, in addition to the request variables (QUERY_STRING,"
          + " REQUEST_METHOD, CONTENT_TYPE). The host environment never reaches the guest.")
  private List<FunctionEnvVar> env;

  @JsonPropertyDescription("Command-line arguments passed to the guest after argv[0].")
  private List<String> args;

  @Default("raw")
  @JsonPropertyDescription(
      "How the guest's stdout becomes the HTTP response: raw (stdout is the body) or cgi"
          + " (CGI/WAGI-style Status and header lines, a blank line, then the body).")
  private Abi abi;

  @Default("async")
  @JsonPropertyDescription(
      "When the execution record is stored: async (batched after the response is sent) or sync"
          + " (the response waits until the record is durable).")
  private Durability durability;

  @JsonPropertyDescription(
      "Who may invoke the function and read its records, within the pool's authentication: public,"
          + " or the scopes and roles a caller must hold. When omitted, any authenticated caller.")
  private FunctionAuth auth;

  public ModuleSource getSource() {
    return source;
  }

  public void setSource(ModuleSource source) {
    this.source = source;
  }

  public String getPool() {
    return pool;
  }

  public void setPool(String pool) {
    this.pool = pool;
  }

  public FunctionLimits getLimits() {
    return limits;
  }

  public void setLimits(FunctionLimits limits) {
    this.limits = limits;
  }

  public List<FunctionEnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<FunctionEnvVar> env) {
    this.env = env;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }

  public Abi getAbi() {
    return abi;
  }

  public void setAbi(Abi abi) {
    this.abi = abi;
  }

  public Durability getDurability() {
    return durability;
  }

  public void setDurability(Durability durability) {
    this.durability = durability;
  }

  public FunctionAuth getAuth() {
    return auth;
  }

  public void setAuth(FunctionAuth auth) {
    this.auth = auth;
  }
}
