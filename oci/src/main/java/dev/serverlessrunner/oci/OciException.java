package dev.serverlessrunner.oci;

/** A registry operation that failed, with a {@link Kind} a caller can branch on. */
public class OciException extends RuntimeException {

  /** What went wrong, coarse enough to map onto a status condition. */
  public enum Kind {
    /** The repository, tag, manifest or blob does not exist. */
    NOT_FOUND(false),
    /** The registry refused the credentials, or needs credentials that were not given. */
    UNAUTHORIZED(false),
    /** The artifact is not a single-layer Wasm module (or the index holds no Wasm entry). */
    UNSUPPORTED_ARTIFACT(false),
    /** Content does not hash to the digest it was addressed or described by. */
    DIGEST_MISMATCH(false),
    /** A manifest or blob is larger than the configured limit. */
    TOO_LARGE(false),
    /** The registry could not be reached, timed out, or answered that it is unavailable. */
    UNREACHABLE(true),
    /** The registry answered something the distribution spec does not allow here. */
    PROTOCOL(false);

    private final boolean transientFailure;

    Kind(boolean transientFailure) {
      this.transientFailure = transientFailure;
    }

    /** Whether retrying the same operation later may succeed without anyone changing anything. */
    public boolean isTransient() {
      return transientFailure;
    }
  }

  private final Kind kind;

  public OciException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public OciException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
