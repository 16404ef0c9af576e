package dev.serverlessrunner.operator.function.oci;

/** A registry call failed; {@link #isUserError()} tells a user's mistake from an outage. */
public class RegistryException extends Exception {
  private final String reason;
  private final boolean userError;

  public RegistryException(String reason, String message, boolean userError) {
    super(message);
    this.reason = reason;
    this.userError = userError;
  }

  public RegistryException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.userError = false;
  }

  /** Condition reason, e.g. ManifestNotFound or RegistryUnavailable. */
  public String reason() {
    return reason;
  }

  /** Whether the user must change something (name, tag, credentials) for this to pass. */
  public boolean isUserError() {
    return userError;
  }
}
