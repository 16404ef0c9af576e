package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.testsupport.LocalRegistry;
import dev.serverlessrunner.oci.testsupport.TokenServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every failure a user's registry credentials can meet — refused by a real registry, refused or
 * unreachable token service, malformed Docker configs and pull Secrets — fails without the secret
 * anywhere in the exception chain (messages, toString, stack trace text).
 */
@Timeout(90)
class CredentialSecrecyIT {

  private static final String USER = "robot";
  private static final String PASSWORD = "good-Pa55word";

  /** The secret that must never show: a wrong password, then credentials in broken documents. */
  private static final String SECRET = "hunter2-Wr0ng-S3cret";

  private static LocalRegistry basic;
  private static TokenServer tokens;
  private static LocalRegistry token;

  private final RegistryClient client = new RegistryClient(RegistryClientOptions.defaults());

  @BeforeAll
  static void start() {
    basic = LocalRegistry.startWithBasicAuth(USER, PASSWORD);
    tokens = TokenServer.start(USER, PASSWORD);
    token = LocalRegistry.startWithTokenAuth(tokens);
    try (RegistryClient pusher = new RegistryClient(RegistryClientOptions.defaults())) {
      RegistryCredentials good = RegistryCredentials.basic(USER, PASSWORD);
      pusher.pushWasm(basic.reference("team/greeter:1"), Guests.bytes("greeter"), good);
      pusher.pushWasm(token.reference("team/greeter:1"), Guests.bytes("greeter"), good);
    }
  }

  @AfterAll
  static void stop() {
    basic.close();
    token.close();
    tokens.close();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  /** Everything a log line or status could print of {@code failure}. */
  private static String everything(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    StringBuilder all = new StringBuilder(out.toString());
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append('\n').append(t).append('\n').append(t.getMessage());
    }
    return all.toString();
  }

  private static void assertSecretAbsent(Throwable failure) {
    assertThat(failure).isNotNull();
    String text = everything(failure);
    assertThat(text).doesNotContain(SECRET);
    String basicPair =
        Base64.getEncoder().encodeToString((USER + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
    assertThat(text).doesNotContain(basicPair);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aWrongPasswordRefusedByTheRegistry() {
    Throwable failure =
        catchThrowable(
            () ->
                client.resolveWasm(
                    basic.reference("team/greeter:1"), RegistryCredentials.basic(USER, SECRET)));

    assertThat(failure).isInstanceOf(OciException.class);
    assertThat(((OciException) failure).kind()).isEqualTo(OciException.Kind.UNAUTHORIZED);
    assertSecretAbsent(failure);
  }

  @Test
  void aWrongPasswordRefusedByTheTokenService() {
    Throwable failure =
        catchThrowable(
            () ->
                client.pullWasm(
                    token.reference("team/greeter:1"), RegistryCredentials.basic(USER, SECRET)));

    assertThat(failure).isInstanceOf(OciException.class);
    assertThat(failure.getMessage()).contains("password hidden");
    assertSecretAbsent(failure);
  }

  @Test
  void aTokenServiceThatCannotBeReached() {
    TokenServer gone = TokenServer.start(USER, SECRET);
    try (LocalRegistry orphan = LocalRegistry.startWithTokenAuth(gone)) {
      gone.close();

      Throwable failure =
          catchThrowable(
              () ->
                  client.resolveWasm(
                      orphan.reference("team/greeter:1"), RegistryCredentials.basic(USER, SECRET)));

      assertThat(failure).isInstanceOf(OciException.class);
      assertThat(((OciException) failure).kind()).isEqualTo(OciException.Kind.UNREACHABLE);
      assertSecretAbsent(failure);
    }
  }

  @Test
  void aDockerConfigThatIsNotJson() {
    // An unquoted password: the JSON parser names the token it cannot read.
    String config =
        "{\"auths\":{\"" + basic.registry() + "\":{\"username\":\"robot\",\"password\":" + SECRET;

    Throwable failure =
        catchThrowable(
            () ->
                RegistryCredentials.fromDockerConfigJson(
                    config.getBytes(StandardCharsets.UTF_8), basic.registry()));

    assertThat(failure)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a valid Docker config JSON (line 1, column");
    assertSecretAbsent(failure);
  }

  @Test
  void aDockerConfigWhoseAuthIsNotBase64() {
    String config = "{\"auths\":{\"" + basic.registry() + "\":{\"auth\":\"" + SECRET + "!\"}}}";

    Throwable failure =
        catchThrowable(
            () ->
                RegistryCredentials.fromDockerConfigJson(
                    config.getBytes(StandardCharsets.UTF_8), basic.registry()));

    assertThat(failure).hasMessageContaining("'auth' is not base64");
    assertSecretAbsent(failure);
  }

  @Test
  void aPullSecretWhoseDataIsNotBase64() {
    Throwable failure =
        catchThrowable(
            () ->
                RegistryCredentials.fromPullSecretData(
                    Map.of(RegistryCredentials.DOCKER_CONFIG_JSON_KEY, "{" + SECRET + "}"),
                    basic.registry()));

    assertThat(failure).hasMessageContaining("is not base64");
    assertSecretAbsent(failure);
  }

  @Test
  void aPullSecretWithBrokenJsonUsedAgainstTheRegistry() {
    String config = "{\"auths\":{\"" + basic.registry() + "\":{\"password\":" + SECRET + "}}}";

    Throwable failure =
        catchThrowable(
            () ->
                RegistryCredentials.fromPullSecretData(
                    Map.of(RegistryCredentials.DOCKER_CONFIG_JSON_KEY, base64(config)),
                    basic.registry()));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class);
    assertSecretAbsent(failure);
  }

  @Test
  void credentialsPrintWithoutTheirPassword() {
    assertThat(RegistryCredentials.basic(USER, SECRET).toString())
        .isEqualTo("user 'robot' (password hidden)");
  }
}
