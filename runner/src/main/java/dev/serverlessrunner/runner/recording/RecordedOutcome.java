package dev.serverlessrunner.runner.recording;

import java.util.Locale;

/**
 * How an execution ended, as its record stores it in the {@code outcome} column and {@code GET
 * /executions/{id}} shows it; the engine's finer {@code Outcome} maps onto it (RecordedOutcomes).
 */
public enum RecordedOutcome {
  /** The guest returned normally (or exited with code 0). */
  OK,
  /** The guest called {@code proc_exit} with a non-zero code. */
  EXIT,
  /** The guest trapped (unreachable, out-of-bounds access, …). */
  TRAP,
  /** The guest used up its fuel (instruction budget). */
  FUEL,
  /** The guest ran past its wall-clock deadline. */
  TIMEOUT,
  /** The guest tried to grow its memory past the cap. */
  MEMORY,
  /** The guest exhausted its call stack. */
  STACK,
  /**
   * The guest ended normally but its CGI answer was refused (malformed, a 1xx status, a
   * Content-Length that is not its body's): the client got 502, the reason is in {@code error}.
   */
  INVALID_RESPONSE,
  /** The host failed around the guest (a bug, not the guest's doing). */
  ERROR;

  /** The lower-case name stored in the database and shown to users. */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a stored {@link #dbName()}; unknown names are an error, never a silent default. */
  public static RecordedOutcome fromDbName(String value) {
    for (RecordedOutcome outcome : values()) {
      if (outcome.dbName().equals(value)) {
        return outcome;
      }
    }
    throw new IllegalArgumentException("unknown execution outcome '" + value + "'");
  }
}
