package dev.serverlessrunner.e2e.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values the deploy/ files must agree with, read from where the project defines them (a default in
 * a {@code @ConfigMapping}, a constant, application.properties), so a change there fails the
 * manifest tests instead of drifting silently.
 */
final class SourceFacts {

  private SourceFacts() {}

  /** The first group of {@code regex} in the project file {@code relative}; fails when absent. */
  static String find(String relative, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(ProjectFiles.read(relative));
    if (!m.find()) {
      throw new IllegalStateException(
          "no match for /" + regex + "/ in " + relative + ": update this test with the source");
    }
    return m.group(1);
  }

  /** The {@code @WithDefault} of {@code method} in a {@code @ConfigMapping} interface. */
  static String configDefault(String relative, String type, String method) {
    return find(
        relative,
        "@WithDefault\\(\"([^\"]*)\"\\)\\s*" + Pattern.quote(type) + "\\s+" + method + "\\(\\)");
  }

  /** A module's application.properties (production profile: %profile. keys are left out). */
  static Properties applicationProperties(String module) {
    Properties all = new Properties();
    try {
      all.load(
          new StringReader(
              ProjectFiles.read(module + "/src/main/resources/application.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties prod = new Properties();
    all.stringPropertyNames().stream()
        .filter(k -> !k.startsWith("%"))
        .forEach(k -> prod.setProperty(k, all.getProperty(k)));
    return prod;
  }
}
