package dev.serverlessrunner.crd.function;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a guest's stdout is turned into the HTTP response. */
public enum Abi {
  /** stdout is the response body, status 200. */
  @JsonProperty("raw")
  RAW,
  /** CGI/WAGI style: Status and header lines, a blank line, then the body. */
  @JsonProperty("cgi")
  CGI
}
