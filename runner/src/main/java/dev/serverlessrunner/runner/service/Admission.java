package dev.serverlessrunner.runner.service;

import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The answer to "may this request run?", given before its body is read, so a runner that cannot run
 * or record a request never spends memory on its body.
 */
public sealed interface Admission {

  /** Refused: the reply says why (saturated, recording backlog full, shutting down). */
  record Refused(InvocationReply.NotRun reply) implements Admission {}

  /**
   * Admitted: an execution slot and a record slot are held for this request until it is {@link
   * #run} or {@link #release}d — exactly one of the two, once.
   */
  non-sealed interface Granted extends Admission {

    /** The id the execution will be recorded under ({@code X-Execution-Id}). */
    UUID executionId();

    /** Runs the function on the body; the stage never completes exceptionally. */
    CompletionStage<InvocationReply> run(InvocationRequest request);

    /** Gives both slots back: the body never arrived (timeout, too large, client gone). */
    void release();
  }
}
