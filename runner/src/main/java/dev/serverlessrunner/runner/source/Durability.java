package dev.serverlessrunner.runner.source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** When a response may leave relative to its execution record reaching the database. */
public enum Durability {
  /** Respond at once; the record is written with the next batch (never dropped). */
  ASYNC,
  /** Respond only after the record's row is committed. */
  SYNC;

  @JsonValue
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Durability parse(String value) {
    for (Durability d : values()) {
      if (d.yamlName().equals(value)) {
        return d;
      }
    }
    throw new IllegalArgumentException("durability must be 'async' or 'sync', not '" + value + "'");
  }
}
