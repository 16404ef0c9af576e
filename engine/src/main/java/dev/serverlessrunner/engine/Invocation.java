package dev.serverlessrunner.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of a guest gets: its stdin, its WASI arguments and environment (exactly these, never
 * the host's) and its limits.
 *
 * @param stdin the request body, read by the guest as fd 0
 * @param args WASI argv, argv[0] included
 * @param env WASI environment, in iteration order
 * @param limits resource limits of this run
 */
public record Invocation(byte[] stdin, List<String> args, Map<String, String> env, Limits limits) {

  public Invocation {
    Objects.requireNonNull(stdin, "stdin");
    args = List.copyOf(args);
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    Objects.requireNonNull(limits, "limits");
  }

  /** A run with this stdin, no arguments, no environment and default limits. */
  public static Invocation of(byte[] stdin) {
    return new Invocation(stdin, List.of(), Map.of(), Limits.DEFAULTS);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder of {@link Invocation}; not thread-safe. */
  public static final class Builder {
    private byte[] stdin = new byte[0];
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Limits limits = Limits.DEFAULTS;

    private Builder() {}

    public Builder stdin(byte[] value) {
      stdin = value;
      return this;
    }

    public Builder args(List<String> values) {
      args.clear();
      args.addAll(values);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    public Builder limits(Limits value) {
      limits = value;
      return this;
    }

    public Invocation build() {
      return new Invocation(stdin, args, env, limits);
    }
  }
}
