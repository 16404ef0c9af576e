package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** What the functions of a pool may ask for. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PoolFunctionLimits {
  @Default("{}")
  @JsonPropertyDescription(
      "Ceilings of the functions' spec.limits. A WasmFunction asking for more is not served: its"
          + " Ready condition turns False with reason LimitsExceedPool and the runners refuse it."
          + " Every field has a default.")
  private LimitCeilings max;

  public LimitCeilings getMax() {
    return max;
  }

  public void setMax(LimitCeilings max) {
    this.max = max;
  }
}
