package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.cli.WasmPushRunner;
import dev.serverlessrunner.oci.testsupport.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Push and pull against a real registry that requires htpasswd (HTTP basic) credentials. */
@Timeout(60)
class BasicAuthRegistryIT {

  private static final String USER = "alice";
  private static final String PASSWORD = "correct horse";
  private static final RegistryCredentials ALICE = RegistryCredentials.basic(USER, PASSWORD);
  private static LocalRegistry registry;

  private final RegistryClient client = new RegistryClient(RegistryClientOptions.defaults());

  @BeforeAll
  static void startRegistry() {
    registry = LocalRegistry.startWithBasicAuth(USER, PASSWORD);
  }

  @AfterAll
  static void stopRegistry() {
    registry.close();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void commandPushesWithPasswordFromStdinAndClientPullsWithCredentials() {
    WasmPushRunner.Outcome pushed =
        WasmPushRunner.runWithStdin(
            PASSWORD + "\n",
            Guests.path("greeter").toString(),
            registry.registry() + "/private/greeter:v1",
            "--username",
            USER,
            "--password-stdin");
    assertThat(pushed.exitCode()).as(pushed.stderr()).isZero();

    WasmArtifact pulled = client.pullWasm(registry.reference("private/greeter:v1"), ALICE);

    assertThat(pulled.wasm()).isEqualTo(Guests.bytes("greeter"));
    assertThat(pushed.reference()).endsWith("@" + pulled.manifestDigest());
  }

  @Test
  void commandReadsCredentialsFromADockerConfig(@TempDir Path dir) throws IOException {
    String auth =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    Path config = dir.resolve("config.json");
    Files.writeString(
        config, "{\"auths\":{\"http://" + registry.registry() + "\":{\"auth\":\"" + auth + "\"}}}");

    WasmPushRunner.Outcome pushed =
        WasmPushRunner.run(
            Guests.path("fib").toString(),
            registry.registry() + "/private/fib:v1",
            "--docker-config",
            config.toString());

    assertThat(pushed.exitCode()).as(pushed.stderr()).isZero();
    RegistryCredentials fromConfig =
        RegistryCredentials.fromDockerConfigJson(Files.readAllBytes(config), registry.registry());
    assertThat(client.pullWasm(OciReference.parse(pushed.reference()), fromConfig).wasm())
        .isEqualTo(Guests.bytes("fib"));
  }

  @Test
  void wrongPasswordIsUnauthorized() {
    client.pushWasm(registry.reference("private/echo:v1"), Guests.bytes("echo"), ALICE);

    assertThatThrownBy(
            () ->
                client.pullWasm(
                    registry.reference("private/echo:v1"),
                    RegistryCredentials.basic(USER, "wrong")))
        .isInstanceOfSatisfying(
            OciException.class, e -> assertThat(e.kind()).isEqualTo(OciException.Kind.UNAUTHORIZED))
        .hasMessageContaining("rejected");
  }

  @Test
  void missingCredentialsAreUnauthorized() {
    assertThatThrownBy(
            () ->
                client.pullWasm(
                    registry.reference("private/echo:v1"), RegistryCredentials.anonymous()))
        .isInstanceOfSatisfying(
            OciException.class, e -> assertThat(e.kind()).isEqualTo(OciException.Kind.UNAUTHORIZED))
        .hasMessageContaining("requires credentials");
  }

  @Test
  void commandWithWrongPasswordFailsWithUnauthorized() {
    WasmPushRunner.Outcome pushed =
        WasmPushRunner.runWithStdin(
            "wrong\n",
            Guests.path("greeter").toString(),
            registry.registry() + "/private/denied:v1",
            "--username",
            USER);

    assertThat(pushed.exitCode()).isEqualTo(1);
    assertThat(pushed.stderr()).contains("UNAUTHORIZED");
  }
}
