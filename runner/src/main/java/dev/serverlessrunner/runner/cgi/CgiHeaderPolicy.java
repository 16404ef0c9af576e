package dev.serverlessrunner.runner.cgi;

import dev.serverlessrunner.crd.pool.ResponseHeaders;
import dev.serverlessrunner.runner.cgi.CgiVerdict.DroppedHeader;
import dev.serverlessrunner.runner.cgi.CgiVerdict.Rule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which of a CGI guest's response headers reach the client, and which answers are refused.
 *
 * <p>Framing and hop-by-hop headers (and any header a guest's {@code Connection} names) are
 * dropped, as RFC 3875 §6.3.4 lets a CGI server do: the runner frames every response itself, so
 * they could only contradict it. A {@code Content-Length} is checked before it is dropped, so a
 * guest that prints a correct one keeps working while one that does not match its body (a truncated
 * or mistaken answer) is refused. A 1xx status is refused: one request gets one final answer, never
 * an interim one or a protocol switch. Headers on the pool's deny-list are dropped and counted
 * rather than failing the request, so a function that sets a cookie out of habit keeps serving
 * while the shared origin stays protected.
 */
public final class CgiHeaderPolicy {

  /**
   * Denied by default: headers that act on the whole origin every function of a pool shares, so one
   * tenant's function could set them for all others (cookies, HSTS, wiping or re-routing the
   * origin, service workers scoped beyond the function).
   */
  public static final List<String> DEFAULT_DENIED =
      List.of(
          "Set-Cookie",
          "Set-Cookie2",
          "Strict-Transport-Security",
          "Public-Key-Pins",
          "Public-Key-Pins-Report-Only",
          "Expect-CT",
          "Clear-Site-Data",
          "Alt-Svc",
          "Service-Worker-Allowed");

  /** Headers that frame a message or concern one connection (RFC 9110 §7.6.1, RFC 9112 §6). */
  static final Set<String> HOP_BY_HOP =
      Set.of(
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "proxy-connection",
          "upgrade",
          "te",
          "trailer",
          "proxy-authenticate",
          "proxy-authorization");

  /**
   * Headers the runner sets on every answer; {@code traceparent}/{@code tracestate} name the
   * invocation span when tracing is on, and a guest's own would contradict (or duplicate) them.
   */
  static final Set<String> RESERVED =
      Set.of(
          "x-execution-id",
          "x-fuel-consumed",
          "x-duration-micros",
          "x-stdout-truncated",
          "traceparent",
          "tracestate");

  /** The syntax of a list entry, as the RunnerPool CRD validates it. */
  private static final Pattern ENTRY = Pattern.compile(ResponseHeaders.ENTRY);

  private static final CgiHeaderPolicy DEFAULTS = new CgiHeaderPolicy(List.of(), List.of());

  private final List<String> denied;
  private final List<String> allowed;

  /**
   * The default deny-list plus {@code deny}, minus what {@code allow} matches. Entries are header
   * names, case-insensitive; one ending in {@code *} matches every name starting with the rest.
   *
   * @throws IllegalArgumentException naming an entry that is not a header name
   */
  public CgiHeaderPolicy(List<String> deny, List<String> allow) {
    List<String> all = new ArrayList<>(DEFAULT_DENIED);
    all.addAll(deny);
    this.denied = normalized(all, "deny");
    this.allowed = normalized(allow, "allow");
  }

  /** The default deny-list, nothing added or allowed. */
  public static CgiHeaderPolicy defaults() {
    return DEFAULTS;
  }

  /** The guest's answer as the client may see it, or why it is refused. */
  public CgiVerdict interpret(byte[] stdout) {
    CgiResponse parsed;
    try {
      parsed = CgiResponse.parse(stdout);
    } catch (CgiResponse.MalformedCgiException e) {
      return new CgiVerdict.Refused("Malformed CGI response", e.getMessage());
    }
    if (parsed.status() < 200) {
      return new CgiVerdict.Refused(
          "CGI response refused",
          "status "
              + parsed.status()
              + " is informational: a guest gives one final answer per request, never an interim"
              + " one or a protocol switch");
    }
    Set<String> connectionOptions = new HashSet<>();
    for (Map.Entry<String, String> header : parsed.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("content-length")) {
        String mismatch = contentLengthMismatch(header.getValue(), parsed.body().length);
        if (mismatch != null) {
          return new CgiVerdict.Refused("CGI response refused", mismatch);
        }
      } else if (name.equals("connection")) {
        for (String option : header.getValue().split(",")) {
          connectionOptions.add(option.strip().toLowerCase(Locale.ROOT));
        }
      }
    }
    List<Map.Entry<String, String>> kept = new ArrayList<>();
    List<DroppedHeader> dropped = new ArrayList<>();
    for (Map.Entry<String, String> header : parsed.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      Rule rule = rule(name, connectionOptions);
      if (rule == null) {
        kept.add(header);
      } else {
        dropped.add(new DroppedHeader(header.getKey(), rule));
      }
    }
    return new CgiVerdict.Accepted(
        new CgiResponse(parsed.status(), List.copyOf(kept), parsed.body()), dropped);
  }

  /** Whether the deny-list (after the allow-list) drops a header of this name. */
  public boolean denies(String headerName) {
    String name = headerName.toLowerCase(Locale.ROOT);
    return matchesAny(denied, name) && !matchesAny(allowed, name);
  }

  private Rule rule(String name, Set<String> connectionOptions) {
    if (HOP_BY_HOP.contains(name) || connectionOptions.contains(name)) {
      return Rule.HOP_BY_HOP;
    }
    if (RESERVED.contains(name)) {
      return Rule.RESERVED;
    }
    return denies(name) ? Rule.DENIED : null;
  }

  /** Why {@code value} is not the body's length, or null when it is (RFC 9112 §6.3). */
  private static String contentLengthMismatch(String value, int bodyLength) {
    // A list of identical lengths ("6, 6") is one length, as RFC 9110 §8.6 allows.
    for (String part : value.split(",")) {
      String length = part.strip();
      if (length.isEmpty()
          || length.length() > 18
          || !length.chars().allMatch(Character::isDigit)) {
        return "Content-Length '" + value + "' is not a length";
      }
      if (Long.parseLong(length) != bodyLength) {
        return "Content-Length " + length + " does not match the body's " + bodyLength + " bytes";
      }
    }
    return null;
  }

  private static boolean matchesAny(List<String> entries, String name) {
    for (String entry : entries) {
      if (entry.endsWith("*")
          ? name.startsWith(entry.substring(0, entry.length() - 1))
          : name.equals(entry)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> normalized(List<String> entries, String list) {
    List<String> out = new ArrayList<>();
    for (String entry : entries) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      if (!ENTRY.matcher(e).matches()) {
        throw new IllegalArgumentException(
            "CGI header "
                + list
                + "-list entry '"
                + entry
                + "' is not a header name (optionally ending in * to match a prefix)");
      }
      out.add(e.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(out);
  }
}
