package dev.serverlessrunner.e2e.deploy;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The metric names a PromQL expression selects, found by a small scanner rather than a parser: it
 * skips strings, label matchers ({@code {…}}), ranges and subqueries ({@code […]}), numbers and
 * durations, comments, Grafana variables ({@code $var}, {@code ${var}}), function and aggregation
 * names, keywords and the label lists after {@code by}, {@code without}, {@code on}, {@code
 * ignoring}, {@code group_left} and {@code group_right}; every other identifier is a metric name. A
 * histogram's series keep their suffix ({@code _bucket}, {@code _sum}, {@code _count}), as on
 * {@code /q/metrics}. Selectors by {@code {__name__="…"}} alone are not recognised.
 */
public final class PromQl {

  /** Keywords followed by a parenthesised list of label names. */
  private static final Set<String> LABEL_LIST_KEYWORDS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  /** Keywords and literals that are not metric names. */
  private static final Set<String> WORDS =
      Set.of("bool", "and", "or", "unless", "offset", "atan2", "inf", "nan");

  /** Aggregation operators, which may be followed by {@code by (…)} before their parentheses. */
  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");

  private final String text;
  private int pos;

  private PromQl(String text) {
    this.text = text;
  }

  /** The metric names {@code expression} selects, in order of first appearance. */
  public static Set<String> metricNames(String expression) {
    return new PromQl(expression).scan();
  }

  private Set<String> scan() {
    Set<String> names = new LinkedHashSet<>();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"' || c == '\'' || c == '`') {
        skipString(c);
      } else if (c == '{') {
        skipGroup('{', '}');
      } else if (c == '[') {
        skipGroup('[', ']');
      } else if (c == '#') {
        skipComment();
      } else if (c == '$') {
        skipVariable();
      } else if (isDigit(c) || (c == '.' && pos + 1 < text.length() && isDigit(peek(1)))) {
        skipNumber();
      } else if (isIdentifierStart(c)) {
        identifier(names);
      } else {
        pos++;
      }
    }
    return names;
  }

  private void identifier(Set<String> names) {
    int start = pos;
    while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
      pos++;
    }
    String word = text.substring(start, pos);
    String lower = word.toLowerCase(Locale.ROOT);
    char next = nextNonSpace();
    if (LABEL_LIST_KEYWORDS.contains(lower)) {
      if (next == '(') {
        skipSpaces();
        skipGroup('(', ')');
      }
    } else if (WORDS.contains(lower) || next == '(') {
      // A keyword, a literal, or a function or aggregation called here.
    } else if (AGGREGATIONS.contains(lower) && followedByLabelListKeyword()) {
      // "sum by (…) (…)": the aggregation's own parentheses come after its label list.
    } else {
      names.add(word);
    }
  }

  private boolean followedByLabelListKeyword() {
    int i = pos;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    int start = i;
    while (i < text.length() && isIdentifierPart(text.charAt(i))) {
      i++;
    }
    String word = text.substring(start, i).toLowerCase(Locale.ROOT);
    return word.equals("by") || word.equals("without");
  }

  private void skipString(char quote) {
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '\\' && quote != '`') {
        pos++;
      } else if (c == quote) {
        return;
      }
    }
  }

  /** Skips a bracketed group, strings inside it included, nested groups of the same kind too. */
  private void skipGroup(char open, char close) {
    int depth = 0;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"' || c == '\'' || c == '`') {
        skipString(c);
        continue;
      }
      pos++;
      if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return;
      }
    }
  }

  private void skipComment() {
    while (pos < text.length() && text.charAt(pos) != '\n') {
      pos++;
    }
  }

  private void skipVariable() {
    pos++;
    if (pos < text.length() && text.charAt(pos) == '{') {
      skipGroup('{', '}');
      return;
    }
    while (pos < text.length() && isIdentifierPart(text.charAt(pos))) {
      pos++;
    }
  }

  /** Skips 42, 0.5, .5, 1e-3, 0x1F and durations such as 5m or 1h30m. */
  private void skipNumber() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (isIdentifierPart(c) || c == '.') {
        pos++;
      } else if ((c == '+' || c == '-')
          && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')
          && !text.substring(0, pos).toLowerCase(Locale.ROOT).startsWith("0x", numberStart())) {
        pos++;
      } else {
        return;
      }
    }
  }

  private int numberStart() {
    int i = pos;
    while (i > 0 && (isIdentifierPart(text.charAt(i - 1)) || text.charAt(i - 1) == '.')) {
      i--;
    }
    return i;
  }

  private char nextNonSpace() {
    int i = pos;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i < text.length() ? text.charAt(i) : '\0';
  }

  private void skipSpaces() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek(int ahead) {
    return text.charAt(pos + ahead);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c);
  }
}
