package dev.serverlessrunner.runner.source.kubernetes;

/** The Kubernetes source cannot start: the API server cannot be reached or refuses to list. */
public final class KubernetesSourceException extends RuntimeException {

  public KubernetesSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
