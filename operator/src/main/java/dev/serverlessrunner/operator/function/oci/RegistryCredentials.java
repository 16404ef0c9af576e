package dev.serverlessrunner.operator.function.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/** User name and password for one registry, read from a dockerconfigjson document. */
public record RegistryCredentials(String username, String password) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Basic authorization header value. */
  public String basicAuthorization() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The credentials for {@code registry} in a {@code .dockerconfigjson} document; empty when it has
   * none for that registry. Throws IOException when the document is not valid JSON.
   */
  public static Optional<RegistryCredentials> fromDockerConfigJson(String json, String registry)
      throws IOException {
    JsonNode auths = JSON.readTree(json).path("auths");
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!hostOf(entry.getKey()).equals(registry)
          && !(registry.equals(OciReference.DEFAULT_REGISTRY)
              && hostOf(entry.getKey()).endsWith("docker.io"))) {
        continue;
      }
      JsonNode auth = entry.getValue();
      if (auth.hasNonNull("username")) {
        return Optional.of(
            new RegistryCredentials(auth.get("username").asText(), auth.path("password").asText()));
      }
      if (auth.hasNonNull("auth")) {
        String decoded =
            new String(
                Base64.getDecoder().decode(auth.get("auth").asText()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon > 0) {
          return Optional.of(
              new RegistryCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
      }
    }
    return Optional.empty();
  }

  private static String hostOf(String key) {
    String host = key.replaceFirst("^https?://", "");
    int slash = host.indexOf('/');
    return slash >= 0 ? host.substring(0, slash) : host;
  }
}
