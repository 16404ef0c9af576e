package dev.serverlessrunner.runner.source;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Kubernetes-style byte quantities ({@code 64Mi}, {@code 1G}) and durations ({@code 2s}).
 */
public final class Quantities {

  private static final Pattern BYTES = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|K|M|G|T)?");
  private static final Map<String, Long> BYTE_UNITS =
      Map.of(
          "Ki", 1L << 10,
          "Mi", 1L << 20,
          "Gi", 1L << 30,
          "Ti", 1L << 40,
          "k", 1_000L,
          "K", 1_000L,
          "M", 1_000_000L,
          "G", 1_000_000_000L,
          "T", 1_000_000_000_000L);
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Quantities() {}

  /** Bytes from {@code 1048576}, {@code 64Mi}, {@code 10M}…; rejects anything else by name. */
  public static long parseBytes(String field, String text) {
    Matcher m = BYTES.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          field + ": '" + text + "' is not a byte quantity (e.g. 1048576, 512Ki, 64Mi, 1Gi)");
    }
    long unit = m.group(2) == null ? 1 : BYTE_UNITS.get(m.group(2));
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is too large", e);
    }
  }

  /** A positive duration from {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h}. */
  public static Duration parseDuration(String field, String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          field + ": '" + text + "' is not a duration (e.g. 500ms, 10s, 2m)");
    }
    long amount = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
    if (d.isZero()) {
      throw new IllegalArgumentException(field + ": must be longer than zero");
    }
    return d;
  }
}
