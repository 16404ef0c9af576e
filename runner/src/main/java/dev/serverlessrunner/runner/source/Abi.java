package dev.serverlessrunner.runner.source;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a guest's stdout becomes the HTTP response. */
public enum Abi {
  /** stdout is the response body, status 200. */
  RAW,
  /**
   * CGI/WAGI: the guest prints headers (optionally {@code Status: N}), a blank line, then the body.
   */
  CGI;

  @JsonValue
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Abi parse(String value) {
    for (Abi abi : values()) {
      if (abi.yamlName().equals(value)) {
        return abi;
      }
    }
    throw new IllegalArgumentException("abi must be 'raw' or 'cgi', not '" + value + "'");
  }
}
