package dev.serverlessrunner.oci;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Limits and transport settings of a {@link RegistryClient}.
 *
 * @param connectTimeout bound on opening a TCP (and TLS) connection
 * @param requestTimeout bound on one HTTP exchange, from sending it to the last body byte
 * @param maxManifestBytes largest manifest accepted
 * @param maxBlobBytes largest blob (Wasm module) accepted
 * @param plainHttpHosts registries (host, or host:port) spoken to over http instead of https
 * @param userAgent the User-Agent header sent with every request
 */
public record RegistryClientOptions(
    Duration connectTimeout,
    Duration requestTimeout,
    long maxManifestBytes,
    long maxBlobBytes,
    Set<String> plainHttpHosts,
    String userAgent) {

  /** Loopback registries use plain HTTP; everything else needs TLS. */
  public static final Set<String> DEFAULT_PLAIN_HTTP_HOSTS =
      Set.of("localhost", "127.0.0.1", "[::1]");

  public RegistryClientOptions {
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    if (maxManifestBytes <= 0 || maxBlobBytes <= 0) {
      throw new IllegalArgumentException("size limits must be positive");
    }
    plainHttpHosts =
        plainHttpHosts.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    Objects.requireNonNull(userAgent, "userAgent");
  }

  /** The defaults: 5 s connect, 60 s per exchange, 4 MiB manifests, 64 MiB blobs. */
  public static RegistryClientOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder()
        .connectTimeout(connectTimeout)
        .requestTimeout(requestTimeout)
        .maxManifestBytes(maxManifestBytes)
        .maxBlobBytes(maxBlobBytes)
        .plainHttpHosts(plainHttpHosts)
        .userAgent(userAgent);
  }

  /** Whether requests to {@code reference}'s registry go over plain HTTP. */
  boolean usesPlainHttp(OciReference reference) {
    return plainHttpHosts.contains(reference.registry().toLowerCase(Locale.ROOT))
        || plainHttpHosts.contains(reference.host().toLowerCase(Locale.ROOT));
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /** Builder for {@link RegistryClientOptions}. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private long maxManifestBytes = 4L << 20;
    private long maxBlobBytes = 64L << 20;
    private Set<String> plainHttpHosts = DEFAULT_PLAIN_HTTP_HOSTS;
    private String userAgent = "serverless-runner-oci/0.1";

    private Builder() {}

    public Builder connectTimeout(Duration value) {
      this.connectTimeout = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    public Builder maxManifestBytes(long value) {
      this.maxManifestBytes = value;
      return this;
    }

    public Builder maxBlobBytes(long value) {
      this.maxBlobBytes = value;
      return this;
    }

    /** Replaces the plain-HTTP hosts (the loopback defaults are dropped unless repeated). */
    public Builder plainHttpHosts(Set<String> value) {
      this.plainHttpHosts = Set.copyOf(value);
      return this;
    }

    public Builder userAgent(String value) {
      this.userAgent = value;
      return this;
    }

    public RegistryClientOptions build() {
      return new RegistryClientOptions(
          connectTimeout,
          requestTimeout,
          maxManifestBytes,
          maxBlobBytes,
          plainHttpHosts,
          userAgent);
    }
  }
}
