package dev.serverlessrunner.oci;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed image reference {@code registry/repository[:tag][@sha256:hex]}, with Docker Hub's
 * defaults applied ({@code docker.io} is served by {@code registry-1.docker.io}, single-name
 * repositories live under {@code library/}, the tag defaults to {@code latest}).
 *
 * @param registry host and optional port the distribution API is served on
 * @param repository repository path, e.g. {@code team/functions/greeter}
 * @param tag tag, or {@code null} when only a digest was given
 * @param digest manifest digest, or {@code null} when the reference is by tag only
 */
public record OciReference(String registry, String repository, String tag, String digest) {

  /** Host that serves Docker Hub's distribution API. */
  public static final String DOCKER_HUB_REGISTRY = "registry-1.docker.io";

  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
              + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

  public OciReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (!HOST.matcher(registry).matches()) {
      throw new IllegalArgumentException(
          "registry '" + registry + "' is not a host name with optional port");
    }
    validateRepository(repository);
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "tag '" + tag + "' must be 1-128 of [A-Za-z0-9_.-] and must not start with '.' or '-'");
    }
    if (digest != null) {
      Digests.requireSha256(digest);
    }
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("a reference needs a tag or a digest");
    }
  }

  /**
   * Parses a reference as {@code docker pull} would, adding {@code :latest} if neither is given.
   */
  public static OciReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty OCI reference");
    }
    String ref = text.strip();
    if (ref.contains("://")) {
      throw invalid(ref, "write it without a scheme, e.g. ghcr.io/org/fn:1.0");
    }
    String digest = null;
    int at = ref.indexOf('@');
    if (at >= 0) {
      digest = ref.substring(at + 1);
      ref = ref.substring(0, at);
      if (!digest.startsWith("sha256:")) {
        throw invalid(text, "only sha256 digests are supported, got '" + digest + "'");
      }
      if (!Digests.isSha256(digest)) {
        throw invalid(text, "digest must be sha256: followed by 64 lowercase hex digits");
      }
    }
    String tag = null;
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      tag = ref.substring(colon + 1);
      ref = ref.substring(0, colon);
    }
    String registry;
    String repository;
    int slash = ref.indexOf('/');
    String first = slash < 0 ? "" : ref.substring(0, slash);
    if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      registry = first;
      repository = ref.substring(slash + 1);
    } else {
      registry = "docker.io";
      repository = ref;
    }
    if (registry.equals("docker.io") || registry.equals("index.docker.io")) {
      registry = DOCKER_HUB_REGISTRY;
      if (!repository.contains("/")) {
        repository = "library/" + repository;
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    try {
      return new OciReference(registry, repository, tag, digest);
    } catch (IllegalArgumentException e) {
      throw invalid(text, e.getMessage());
    }
  }

  /** The manifest reference for the API path: the digest when known, else the tag. */
  public String manifestReference() {
    return digest != null ? digest : tag;
  }

  /** The same repository pinned to {@code manifestDigest}, without a tag. */
  public OciReference pinned(String manifestDigest) {
    return new OciReference(registry, repository, null, manifestDigest);
  }

  /** The same repository with {@code newTag} and no digest. */
  public OciReference withTag(String newTag) {
    return new OciReference(registry, repository, newTag, null);
  }

  /** The host part of {@link #registry()}, without a port (IPv6 keeps its brackets). */
  public String host() {
    int colon = registry.lastIndexOf(':');
    return colon > registry.lastIndexOf(']') ? registry.substring(0, colon) : registry;
  }

  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + (tag != null ? ":" + tag : "")
        + (digest != null ? "@" + digest : "");
  }

  private static void validateRepository(String repository) {
    if (repository.isEmpty() || repository.length() > 255) {
      throw new IllegalArgumentException("repository must be 1-255 characters");
    }
    for (String component : repository.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw new IllegalArgumentException(
            "repository path component '"
                + component
                + "' must be lowercase letters and digits, separated by '.', '_', '__' or '-'");
      }
    }
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("invalid OCI reference '" + text + "': " + why);
  }
}
