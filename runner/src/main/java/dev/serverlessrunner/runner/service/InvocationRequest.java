package dev.serverlessrunner.runner.service;

import java.util.Objects;

/**
 * What the HTTP layer hands over for one invocation: the body and the request facts a guest sees as
 * CGI-style environment variables.
 */
public record InvocationRequest(
    String method, String queryString, String contentType, byte[] body) {

  public InvocationRequest {
    Objects.requireNonNull(method, "method");
    queryString = queryString == null ? "" : queryString;
    Objects.requireNonNull(body, "body");
  }
}
