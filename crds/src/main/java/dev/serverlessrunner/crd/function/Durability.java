package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When an execution record must be stored relative to the HTTP response. */
public enum Durability {
  /** Recorded by the batched background flusher after the response is sent. */
  @JsonProperty("async")
  ASYNC,
  /** The response waits until the record's batch is committed. */
  @JsonProperty("sync")
  SYNC
}
