package dev.serverlessrunner.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Turns an unsuccessful registry response into an {@link OciException} a user can act on. */
final class RegistryErrors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RegistryErrors() {}

  /** The exception for {@code response}, whose status is not the expected one. */
  static OciException failure(Transport.Response response, String what) {
    int status = response.status();
    String detail = errorSummary(response.body());
    String suffix = " (HTTP " + status + (detail.isEmpty() ? "" : ", " + detail) + ")";
    return switch (status) {
      case 404 -> new OciException(OciException.Kind.NOT_FOUND, what + ": not found" + suffix);
      case 401 ->
          new OciException(
              OciException.Kind.UNAUTHORIZED,
              what + ": the registry rejected the credentials" + suffix);
      case 403 ->
          new OciException(OciException.Kind.UNAUTHORIZED, what + ": access denied" + suffix);
      case 413 ->
          new OciException(
              OciException.Kind.TOO_LARGE, what + ": the registry refused the size" + suffix);
      case 429, 500, 502, 503, 504 ->
          new OciException(
              OciException.Kind.UNREACHABLE,
              what + ": the registry is unavailable, try again later" + suffix);
      default ->
          new OciException(
              OciException.Kind.PROTOCOL, what + ": unexpected answer from the registry" + suffix);
    };
  }

  /** {@code CODE: message; …} from a distribution error body, or empty. */
  private static String errorSummary(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      List<String> parts = new ArrayList<>();
      for (JsonNode e : errors) {
        parts.add(e.path("code").asText("?") + ": " + e.path("message").asText(""));
      }
      return String.join("; ", parts);
    } catch (IOException e) {
      // Not JSON (a proxy's HTML page, say): the status alone has to do.
      return "";
    }
  }
}
