package dev.serverlessrunner.oci;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge, e.g. {@code Bearer realm="…",service="…",scope="…"}.
 *
 * @param scheme lower-case scheme ({@code bearer} or {@code basic})
 * @param params parameters with lower-case names
 */
record Challenge(String scheme, Map<String, String> params) {

  Challenge {
    params = Map.copyOf(params);
  }

  /** The Bearer challenge among {@code headerValues}, else the Basic one, else empty. */
  static Optional<Challenge> select(List<String> headerValues) {
    Challenge basic = null;
    for (String value : headerValues) {
      Challenge c = parse(value);
      if (c.scheme().equals("bearer")) {
        return Optional.of(c);
      }
      if (c.scheme().equals("basic") && basic == null) {
        basic = c;
      }
    }
    return Optional.ofNullable(basic);
  }

  /** Parses one challenge; quoted values may contain commas (scope lists do). */
  static Challenge parse(String header) {
    String s = header.strip();
    int space = s.indexOf(' ');
    String scheme = (space < 0 ? s : s.substring(0, space)).toLowerCase(Locale.ROOT);
    Map<String, String> params = new LinkedHashMap<>();
    int i = space < 0 ? s.length() : space + 1;
    while (i < s.length()) {
      while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ')) {
        i++;
      }
      int eq = s.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      StringBuilder value = new StringBuilder();
      i = eq + 1;
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < s.length()) {
            i++;
          }
          value.append(s.charAt(i++));
        }
        i++;
      } else {
        while (i < s.length() && s.charAt(i) != ',') {
          value.append(s.charAt(i++));
        }
      }
      params.put(name, value.toString().strip());
    }
    return new Challenge(scheme, params);
  }

  String param(String name) {
    return params.get(name);
  }
}
