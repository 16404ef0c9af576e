package dev.serverlessrunner.operator.function;

/** Outcome of resolving a function's module source. */
public sealed interface SourceResolution {

  /** The module was found and verified. */
  record Resolved(String digest, Long sizeBytes, String origin) implements SourceResolution {}

  /**
   * The user must fix something (a name, a key, the bytes); retrying by itself will not help, but a
   * change to the referenced object triggers a new attempt.
   */
  record Invalid(String reason, String message) implements SourceResolution {}

  /** Something outside the user's spec failed (registry down); retried after a delay. */
  record Unavailable(String reason, String message) implements SourceResolution {}
}
