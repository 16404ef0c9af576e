package dev.serverlessrunner.runner.source;

import java.util.regex.Pattern;

/** Function names are DNS-1123 labels, as Kubernetes object names of the same function are. */
public final class FunctionNames {

  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final int MAX_LENGTH = 63;

  private FunctionNames() {}

  /** Whether {@code name} may name a function. */
  public static boolean isValid(String name) {
    return name != null && name.length() <= MAX_LENGTH && DNS_1123_LABEL.matcher(name).matches();
  }

  /** Returns {@code name}, or throws with the rule it breaks. */
  public static String requireValid(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(describeInvalid(name));
    }
    return name;
  }

  /** A message saying why {@code name} is not a valid function name. */
  public static String describeInvalid(String name) {
    return "invalid function name '"
        + name
        + "': must be a DNS-1123 label (at most 63 characters of lower-case letters, digits and"
        + " '-', starting and ending with a letter or digit)";
  }
}
