package dev.serverlessrunner.engine;

/** How a run ended, from the caller's point of view. */
public enum Outcome {
  /** The guest returned from {@code _start} or called {@code proc_exit(0)}. */
  OK,
  /** The guest called {@code proc_exit} with a non-zero code. */
  EXIT,
  /** The guest trapped (unreachable, out-of-bounds access, division by zero, …). */
  TRAP,
  /** The guest used up its fuel budget. */
  FUEL_EXHAUSTED,
  /** The wall-clock deadline passed and the guest was interrupted. */
  TIMEOUT,
  /** The guest trapped with its memory grown to (nearly) the cap: see ExecutionResult. */
  MEMORY_LIMIT,
  /** The guest recursed deeper than the engine's call stack allows. */
  STACK_EXHAUSTED,
  /** The module bytes are not a valid WebAssembly module. */
  INVALID_MODULE,
  /** The module is valid but uses something the runner's policy does not allow. */
  REFUSED,
  /** The execution pool's queue was full: the run was not attempted. */
  SATURATED,
  /** The host failed (a bug or resource exhaustion outside the guest's limits). */
  HOST_ERROR;

  /** Whether the guest ran to a normal end, with exit code 0. */
  public boolean isSuccess() {
    return this == OK;
  }
}
