package dev.serverlessrunner.operator.function.oci;

/**
 * A parsed OCI reference {@code [registry/]repository[:tag][@digest]}, with Docker Hub's defaults
 * for a missing registry or tag.
 */
public record OciReference(String registry, String repository, String tag, String digest) {
  /** Registry used when a reference names none. */
  public static final String DEFAULT_REGISTRY = "registry-1.docker.io";

  /** Parses a reference; throws IllegalArgumentException with the reason when malformed. */
  public static OciReference parse(String ref) {
    if (ref == null || ref.isBlank() || ref.contains(" ")) {
      throw new IllegalArgumentException("empty or blank-containing reference '" + ref + "'");
    }
    String rest = ref;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!digest.matches("sha256:[a-f0-9]{64}")) {
        throw new IllegalArgumentException("digest must be sha256:<64 hex>, got " + digest);
      }
    }
    String registry = DEFAULT_REGISTRY;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    if (registry.equals(DEFAULT_REGISTRY) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    if (!rest.matches("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*")) {
      throw new IllegalArgumentException("invalid repository name '" + rest + "'");
    }
    return new OciReference(registry, rest, tag, digest);
  }

  /** Tag or digest, as used in the manifest URL. */
  public String manifestReference() {
    return digest != null ? digest : tag;
  }
}
