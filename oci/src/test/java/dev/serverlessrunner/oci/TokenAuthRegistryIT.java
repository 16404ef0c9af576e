package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.testsupport.LocalRegistry;
import dev.serverlessrunner.oci.testsupport.TokenServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bearer-token flow against a real registry whose token realm is a {@link TokenServer}. */
@Timeout(60)
class TokenAuthRegistryIT {

  private static final String USER = "bob";
  private static final String PASSWORD = "token-pass";
  private static final RegistryCredentials BOB = RegistryCredentials.basic(USER, PASSWORD);
  private static TokenServer tokens;
  private static LocalRegistry registry;

  private final RegistryClient client = new RegistryClient(RegistryClientOptions.defaults());

  @BeforeAll
  static void startRegistry() {
    tokens = TokenServer.start(USER, PASSWORD);
    registry = LocalRegistry.startWithTokenAuth(tokens);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
    tokens.close();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void pushAndPullWithATokenFromTheRealm() {
    byte[] module = Guests.bytes("greeter");
    PushResult pushed = client.pushWasm(registry.reference("tok/greeter:v1"), module, BOB);

    WasmArtifact pulled = client.pullWasm(registry.reference("tok/greeter:v1"), BOB);

    assertThat(pulled.wasm()).isEqualTo(module);
    assertThat(pulled.manifestDigest()).isEqualTo(pushed.manifestDigest());
    assertThat(tokens.tokensIssued()).isPositive();
  }

  @Test
  void tokenIsReusedForTheSameRepositoryAndScope() {
    client.pushWasm(registry.reference("tok/fib:v1"), Guests.bytes("fib"), BOB);
    client.pullWasm(registry.reference("tok/fib:v1"), BOB);
    int issued = tokens.tokensIssued();

    client.pullWasm(registry.reference("tok/fib:v1"), BOB);

    assertThat(tokens.tokensIssued()).isEqualTo(issued);
  }

  @Test
  void anonymousTokenWithoutAccessIsUnauthorized() {
    client.pushWasm(registry.reference("tok/echo:v1"), Guests.bytes("echo"), BOB);

    assertThatThrownBy(
            () ->
                client.pullWasm(registry.reference("tok/echo:v1"), RegistryCredentials.anonymous()))
        .isInstanceOfSatisfying(
            OciException.class, e -> assertThat(e.kind()).isEqualTo(OciException.Kind.UNAUTHORIZED))
        .hasMessageContaining("requires credentials");
  }

  @Test
  void wrongPasswordIsRefusedByTheTokenService() {
    assertThatThrownBy(
            () ->
                client.pullWasm(
                    registry.reference("tok/greeter:v1"), RegistryCredentials.basic(USER, "nope")))
        .isInstanceOfSatisfying(
            OciException.class, e -> assertThat(e.kind()).isEqualTo(OciException.Kind.UNAUTHORIZED))
        .hasMessageContaining("token service refused");
  }
}
