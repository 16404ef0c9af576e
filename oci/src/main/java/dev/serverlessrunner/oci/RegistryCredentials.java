package dev.serverlessrunner.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Credentials for one registry: anonymous, or a user name and password (also used as the basic
 * credentials sent to a bearer-token realm).
 *
 * @param username user name, or {@code null} when anonymous
 * @param password password or access token, or {@code null} when anonymous
 */
public record RegistryCredentials(String username, String password) {

  private static final RegistryCredentials ANONYMOUS = new RegistryCredentials(null, null);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of(OciReference.DOCKER_HUB_REGISTRY, "index.docker.io", "docker.io");

  public RegistryCredentials {
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("give both a user name and a password, or neither");
    }
  }

  /** No credentials: only public repositories are readable. */
  public static RegistryCredentials anonymous() {
    return ANONYMOUS;
  }

  /** A user name and password (or token). */
  public static RegistryCredentials basic(String username, String password) {
    return new RegistryCredentials(
        Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"));
  }

  /** Key of a {@code kubernetes.io/dockerconfigjson} Secret's data. */
  public static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";

  /** Key of a legacy {@code kubernetes.io/dockercfg} Secret's data. */
  public static final String DOCKER_CFG_KEY = ".dockercfg";

  /**
   * The credentials for {@code registry} in a Kubernetes pull Secret's {@code data} (values base64,
   * as the API returns them), from its {@value #DOCKER_CONFIG_JSON_KEY} or legacy {@value
   * #DOCKER_CFG_KEY} key.
   *
   * @throws IllegalArgumentException saying what is wrong with the Secret, for a user to fix
   */
  public static RegistryCredentials fromPullSecretData(
      java.util.Map<String, String> data, String registry) {
    String encoded = data.getOrDefault(DOCKER_CONFIG_JSON_KEY, data.get(DOCKER_CFG_KEY));
    if (encoded == null) {
      throw new IllegalArgumentException(
          "has no "
              + DOCKER_CONFIG_JSON_KEY
              + " key (a Secret of type kubernetes.io/dockerconfigjson is expected)");
    }
    byte[] json;
    try {
      json = java.util.Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "its " + DOCKER_CONFIG_JSON_KEY + " is not base64 (as the API returns Secret data)");
    }
    return fromDockerConfigJson(json, registry);
  }

  /**
   * The credentials for {@code registry} (host and optional port, as in {@link
   * OciReference#registry()}) in a Docker config: a Kubernetes {@code .dockerconfigjson} Secret, a
   * {@code ~/.docker/config.json}, or the legacy {@code .dockercfg} map without {@code auths}. Keys
   * match with or without scheme and path; Docker Hub's aliases match each other. Returns {@link
   * #anonymous()} when no entry matches, as a kubelet would pull without a secret.
   */
  public static RegistryCredentials fromDockerConfigJson(byte[] json, String registry) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      // Never the parser's message or the exception itself: both quote the document, and a
      // Docker config is all credentials.
      throw new IllegalArgumentException("not a valid Docker config JSON" + location(e));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a valid Docker config JSON: expected an object");
    }
    JsonNode auths = root.has("auths") ? root.get("auths") : root;
    if (!auths.isObject()) {
      throw new IllegalArgumentException("not a valid Docker config JSON: 'auths' is no object");
    }
    Set<String> wanted = aliases(registry);
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (wanted.contains(normalizeKey(entry.getKey()))) {
        return fromEntry(entry.getKey(), entry.getValue());
      }
    }
    return ANONYMOUS;
  }

  public boolean isAnonymous() {
    return username == null;
  }

  /** The {@code Authorization} header value for HTTP basic authentication. */
  String basicHeader() {
    if (isAnonymous()) {
      throw new IllegalStateException("anonymous credentials have no basic header");
    }
    String pair = username + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return isAnonymous() ? "anonymous" : "user '" + username + "' (password hidden)";
  }

  private static RegistryCredentials fromEntry(String key, JsonNode entry) {
    JsonNode auth = entry.get("auth");
    if (auth != null && auth.isTextual() && !auth.asText().isEmpty()) {
      String pair;
      try {
        pair = new String(Base64.getDecoder().decode(auth.asText()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Docker config entry '" + key + "': 'auth' is not base64");
      }
      int colon = pair.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "Docker config entry '" + key + "': 'auth' must decode to user:password");
      }
      return basic(pair.substring(0, colon), pair.substring(colon + 1));
    }
    JsonNode user = entry.get("username");
    JsonNode password = entry.get("password");
    if (user != null && password != null && user.isTextual() && password.isTextual()) {
      return basic(user.asText(), password.asText());
    }
    throw new IllegalArgumentException(
        "Docker config entry '" + key + "' has neither 'auth' nor 'username' and 'password'");
  }

  /** " (line L, column C)" of a parse failure, or nothing: never its text. */
  private static String location(IOException e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json
        && json.getLocation() != null) {
      return " (line "
          + json.getLocation().getLineNr()
          + ", column "
          + json.getLocation().getColumnNr()
          + ")";
    }
    return "";
  }

  private static Set<String> aliases(String registry) {
    String normalized = normalizeKey(registry);
    return DOCKER_HUB_ALIASES.contains(normalized) ? DOCKER_HUB_ALIASES : Set.of(normalized);
  }

  /** {@code https://Host:5000/v1/} → {@code host:5000}. */
  private static String normalizeKey(String key) {
    String k = key.strip().toLowerCase(Locale.ROOT);
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    return slash >= 0 ? k.substring(0, slash) : k;
  }
}
