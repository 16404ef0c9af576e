package dev.serverlessrunner.crd.function;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses limits in every form a WasmFunction's spec admits, the one parser of them for the operator
 * (pool ceilings, shutdown budget) and the runner (sidecar YAML and the Kubernetes resource): byte
 * quantities ({@code 1048576}, {@code 64Mi}, {@code 1.5Gi}, {@code 10M}) and Go-style durations
 * ({@code 250ms}, {@code 10s}, {@code 1m30s}, {@code 1.5s}).
 */
public final class Quantities {

  private static final Pattern BYTES =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?");
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
  private static final Pattern DURATION = Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?(?:ms|s|m|h))+");
  private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private Quantities() {}

  /** Bytes of a quantity, rounded up to a whole byte; rejects anything else naming the field. */
  public static long parseBytes(String field, String text) {
    Matcher m = BYTES.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          field + ": '" + text + "' is not a byte quantity (e.g. 1048576, 512Ki, 64Mi, 1.5Gi)");
    }
    long unit = m.group(2) == null ? 1 : BYTE_UNITS.get(m.group(2));
    try {
      return new BigDecimal(m.group(1))
          .multiply(BigDecimal.valueOf(unit))
          .setScale(0, RoundingMode.CEILING)
          .longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is too large", e);
    }
  }

  /** A positive duration; rejects anything else naming the field. */
  public static Duration parseDuration(String field, String text) {
    String trimmed = text.trim();
    if (!DURATION.matcher(trimmed).matches()) {
      throw new IllegalArgumentException(
          field + ": '" + text + "' is not a duration (e.g. 500ms, 10s, 1m30s)");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher part = DURATION_PART.matcher(trimmed);
    while (part.find()) {
      nanos =
          nanos.add(
              new BigDecimal(part.group(1))
                  .multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(2)))));
    }
    Duration d;
    try {
      d = Duration.ofNanos(nanos.setScale(0, RoundingMode.CEILING).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(field + ": '" + text + "' is too long", e);
    }
    if (d.isZero()) {
      throw new IllegalArgumentException(field + ": must be longer than zero");
    }
    return d;
  }
}
