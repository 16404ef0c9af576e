package dev.serverlessrunner.runner.recording;

import java.util.Objects;

/**
 * Where one shard lives.
 *
 * @param name shown in logs, metrics and readiness (never the URI, which may hold a password)
 * @param uri a PostgreSQL connection URI, e.g. {@code postgresql://user:pw@host:5432/db}
 */
public record ShardConfig(String name, String uri) {

  public ShardConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri");
    if (name.isBlank()) {
      throw new IllegalArgumentException("shard name must not be blank");
    }
  }

  /** A shard named {@code shard-<index>}. */
  public static ShardConfig indexed(int index, String uri) {
    return new ShardConfig("shard-" + index, uri);
  }

  @Override
  public String toString() {
    return "ShardConfig[name=" + name + "]";
  }
}
