package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Which response headers of the pool's CGI functions reach clients, beyond the framing and
 * hop-by-hop headers the runner always drops.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.deny) || self.deny.all(h, h.matches(\"" + ResponseHeaders.ENTRY + "\"))",
    message = ResponseHeaders.ENTRY_MESSAGE)
@ValidationRule(
    value = "!has(self.allow) || self.allow.all(h, h.matches(\"" + ResponseHeaders.ENTRY + "\"))",
    message = ResponseHeaders.ENTRY_MESSAGE)
public class ResponseHeaders {

  /**
   * A deny- or allow-list entry: an HTTP field name (RFC 9110 token, without {@code *}), optionally
   * ending in {@code *} to match every name with that prefix, or {@code *} alone for every name.
   */
  public static final String ENTRY = "^([!#$%&'+.^_`|~0-9A-Za-z-]+[*]?|[*])$";

  static final String ENTRY_MESSAGE =
      "each entry must be a header name, optionally ending in * to match a prefix (e.g. Set-Cookie,"
          + " Access-Control-Allow-*)";

  @Size(max = 64)
  @JsonPropertyDescription(
      "Response headers to drop in addition to the default deny-list (Set-Cookie, Set-Cookie2,"
          + " Strict-Transport-Security, Public-Key-Pins, Public-Key-Pins-Report-Only, Expect-CT,"
          + " Clear-Site-Data, Alt-Svc, Service-Worker-Allowed: headers that act on the whole"
          + " origin the pool's functions share). Case-insensitive; a trailing * matches a prefix,"
          + " e.g. Access-Control-Allow-*.")
  private List<String> deny;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Headers exempt from the deny-list, e.g. Set-Cookie for a pool that serves one"
          + " application on an origin of its own; * exempts every header. Framing and hop-by-hop"
          + " headers are dropped all the same.")
  private List<String> allow;

  public List<String> getDeny() {
    return deny;
  }

  public void setDeny(List<String> deny) {
    this.deny = deny;
  }

  public List<String> getAllow() {
    return allow;
  }

  public void setAllow(List<String> allow) {
    this.allow = allow;
  }
}
