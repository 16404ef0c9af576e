package dev.serverlessrunner.runner.cgi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A guest's stdout under the {@code cgi} ABI (the CGI/WAGI convention): header lines, a blank line,
 * then the body. {@code Status: 404 Not Found} sets the status; a {@code Location} without a status
 * means 302; otherwise 200.
 */
public record CgiResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

  /** Header blocks larger than this are not a CGI header but a guest that forgot the convention. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Parses stdout, or throws {@link MalformedCgiException} saying what is wrong. */
  public static CgiResponse parse(byte[] stdout) {
    int end = headerEnd(stdout);
    if (end < 0) {
      throw new MalformedCgiException(
          "no blank line ends the CGI header within the first " + MAX_HEADER_BYTES + " bytes");
    }
    String block = new String(stdout, 0, end, StandardCharsets.ISO_8859_1);
    int bodyStart = end + (stdout[end] == '\r' ? 4 : 2);
    int status = -1;
    boolean location = false;
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String line : block.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new MalformedCgiException("CGI header line without a name: '" + line + "'");
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (!isToken(name) || value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
        throw new MalformedCgiException("invalid CGI header: '" + line + "'");
      }
      switch (name.toLowerCase(Locale.ROOT)) {
        case "status" -> status = parseStatus(value);
        case "location" -> {
          location = true;
          headers.add(Map.entry(name, value));
        }
        default -> headers.add(Map.entry(name, value));
      }
    }
    if (status < 0) {
      status = location ? 302 : 200;
    }
    return new CgiResponse(
        status, List.copyOf(headers), Arrays.copyOfRange(stdout, bodyStart, stdout.length));
  }

  /** Index of the blank line ("\n\n" or "\r\n\r\n") ending the header, or -1. */
  private static int headerEnd(byte[] out) {
    int limit = Math.min(out.length, MAX_HEADER_BYTES);
    for (int i = 0; i < limit; i++) {
      if (out[i] != '\n' && out[i] != '\r') {
        continue;
      }
      if (out[i] == '\n' && i + 1 < out.length && out[i + 1] == '\n') {
        return i;
      }
      if (out[i] == '\r'
          && i + 3 < out.length
          && out[i + 1] == '\n'
          && out[i + 2] == '\r'
          && out[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int parseStatus(String value) {
    String code = value.split(" ", 2)[0];
    try {
      int status = Integer.parseInt(code);
      if (status >= 100 && status <= 599) {
        return status;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new MalformedCgiException(
        "CGI Status must be a code from 100 to 599, not '" + value + "'");
  }

  private static boolean isToken(String name) {
    return !name.isEmpty()
        && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0);
  }

  /** The guest's stdout does not follow the CGI convention. */
  public static final class MalformedCgiException extends RuntimeException {
    MalformedCgiException(String message) {
      super(message);
    }
  }
}
