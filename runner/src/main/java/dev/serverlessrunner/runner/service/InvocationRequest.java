package dev.serverlessrunner.runner.service;

import io.opentelemetry.api.trace.SpanContext;
import java.util.Objects;

/**
 * What the HTTP layer hands over for one invocation: the body and the request facts a guest sees as
 * CGI-style environment variables, and the invocation span whose ids its record keeps.
 *
 * @param trace the invocation span's context; {@link SpanContext#getInvalid()} when not traced
 */
public record InvocationRequest(
    String method, String queryString, String contentType, byte[] body, SpanContext trace) {

  /** An untraced request. */
  public InvocationRequest(String method, String queryString, String contentType, byte[] body) {
    this(method, queryString, contentType, body, SpanContext.getInvalid());
  }

  public InvocationRequest {
    Objects.requireNonNull(method, "method");
    queryString = queryString == null ? "" : queryString;
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(trace, "trace");
  }
}
