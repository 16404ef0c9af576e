package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.runner.cgi.CgiVerdict;
import java.util.UUID;

/** How one invocation ended, for the HTTP layer to turn into a response. */
public sealed interface InvocationReply {

  /**
   * The guest ran (successfully or not); its record is queued, or committed for sync functions.
   * {@code cgi} is what the runner made of a {@code cgi} function's stdout after a successful run,
   * else null.
   */
  record Executed(UUID executionId, ServedFunction function, ExecutionResult result, CgiVerdict cgi)
      implements InvocationReply {

    /** A run whose stdout is not read as CGI. */
    public Executed(UUID executionId, ServedFunction function, ExecutionResult result) {
      this(executionId, function, result, null);
    }
  }

  /** The guest did not run: the runner is saturated, draining, or cannot record it. */
  record NotRun(String error, String reason) implements InvocationReply {}

  /**
   * The guest ran but its record is not safe: a sync record could not be committed, or an async one
   * could not be spooled (it is still written from memory unless the process dies first).
   */
  record NotRecorded(UUID executionId, ExecutionResult result, String reason)
      implements InvocationReply {}
}
