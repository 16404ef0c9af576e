package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.runner.source.Quantities;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses limits in every form the WasmFunction CRD schema admits. That schema allows decimal
 * quantities ({@code 1.5Gi}) and Go-style compound durations ({@code 1m30s}), which {@link
 * Quantities} (the standalone settings format) does not; the plain forms go through {@link
 * Quantities} so both sources agree on them.
 */
final class CrdQuantities {

  private static final Pattern DECIMAL_BYTES =
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
  private static final Pattern COMPOUND_DURATION =
      Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?(?:ms|s|m|h))+");
  private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private CrdQuantities() {}

  /** Bytes of a quantity such as {@code 64Mi} or {@code 1.5Gi}, rounded up to a whole byte. */
  static long parseBytes(String field, String text) {
    Matcher m = DECIMAL_BYTES.matcher(text.trim());
    if (!m.matches() || m.group(1).indexOf('.') < 0) {
      return Quantities.parseBytes(field, text);
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

  /** A positive duration such as {@code 10s}, {@code 250ms}, {@code 1m30s} or {@code 1.5s}. */
  static Duration parseDuration(String field, String text) {
    String trimmed = text.trim();
    if (!COMPOUND_DURATION.matcher(trimmed).matches()) {
      return Quantities.parseDuration(field, text);
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
