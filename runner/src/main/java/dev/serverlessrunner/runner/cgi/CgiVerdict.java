package dev.serverlessrunner.runner.cgi;

import java.util.List;

/** What the runner makes of a CGI guest's stdout: the response it sends, or why it sends none. */
public sealed interface CgiVerdict {

  /**
   * The response to send: {@code response} holds only the headers that may reach the client; {@code
   * dropped} lists the others.
   */
  record Accepted(CgiResponse response, List<DroppedHeader> dropped) implements CgiVerdict {
    public Accepted {
      dropped = List.copyOf(dropped);
    }
  }

  /**
   * The guest's answer is not sent: the client gets 502 with {@code error} and {@code reason}, and
   * the execution record says the same.
   */
  record Refused(String error, String reason) implements CgiVerdict {}

  /** A header of the guest's that the client did not get, and the rule that dropped it. */
  record DroppedHeader(String name, Rule rule) {}

  /** Why a header was dropped. */
  enum Rule {
    /** Framing or hop-by-hop (RFC 9110 §7.6.1): the runner frames each response itself. */
    HOP_BY_HOP,
    /**
     * A header the runner sets on every response (X-Execution-Id, …): the guest may not forge it.
     */
    RESERVED,
    /** On the pool's deny-list of response headers. */
    DENIED;

    /** The metric tag and documented name: {@code hop-by-hop}, {@code reserved}, {@code denied}. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }
}
