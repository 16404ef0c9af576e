package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.engine.ExecutionResult;
import java.util.UUID;

/** How one invocation ended, for the HTTP layer to turn into a response. */
public sealed interface InvocationReply {

  /** The guest ran (successfully or not); its record is queued, or committed for sync functions. */
  record Executed(UUID executionId, ServedFunction function, ExecutionResult result)
      implements InvocationReply {}

  /** The guest did not run: the runner is saturated, draining, or cannot record it. */
  record NotRun(String error, String reason) implements InvocationReply {}

  /**
   * The guest ran but its record is not safe: a sync record could not be committed, or an async one
   * could not be spooled (it is still written from memory unless the process dies first).
   */
  record NotRecorded(UUID executionId, ExecutionResult result, String reason)
      implements InvocationReply {}
}
