package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** When a shard's flusher writes a batch, and how many records may wait. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Batch {
  @Default("500")
  @Min(1)
  @JsonPropertyDescription("A batch is written as soon as it holds this many records.")
  private Integer maxRows;

  @Default("50ms")
  @Pattern("^[0-9]+(ms|s|m)$")
  @JsonPropertyDescription(
      "A non-empty batch is written at the latest after this duration (e.g. 50ms, 1s).")
  private String flushInterval;

  @Default("20000")
  @Min(1)
  @JsonPropertyDescription(
      "Records that may wait per runner; when full, new invocations get HTTP 503 instead of"
          + " running unrecorded.")
  private Integer queueCapacity;

  public Integer getMaxRows() {
    return maxRows;
  }

  public void setMaxRows(Integer maxRows) {
    this.maxRows = maxRows;
  }

  public String getFlushInterval() {
    return flushInterval;
  }

  public void setFlushInterval(String flushInterval) {
    this.flushInterval = flushInterval;
  }

  public Integer getQueueCapacity() {
    return queueCapacity;
  }

  public void setQueueCapacity(Integer queueCapacity) {
    this.queueCapacity = queueCapacity;
  }
}
