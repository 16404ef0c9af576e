package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryCredentialsTest {

  private static byte[] config(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static String auth(String pair) {
    return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decodesTheAuthField() {
    byte[] json = config("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + auth("me:s3cr:et") + "\"}}}");

    assertThat(RegistryCredentials.fromDockerConfigJson(json, "ghcr.io"))
        .isEqualTo(RegistryCredentials.basic("me", "s3cr:et"));
  }

  @Test
  void readsAPullSecretsBase64Data() {
    String json = "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + auth("me:pw") + "\"}}}";

    assertThat(
            RegistryCredentials.fromPullSecretData(
                java.util.Map.of(".dockerconfigjson", auth(json)), "ghcr.io"))
        .isEqualTo(RegistryCredentials.basic("me", "pw"));
  }

  @Test
  void pullSecretWithoutDockerConfigKeySaysWhatIsExpected() {
    assertThatThrownBy(
            () ->
                RegistryCredentials.fromPullSecretData(
                    java.util.Map.of("token", "eA=="), "ghcr.io"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".dockerconfigjson")
        .hasMessageContaining("kubernetes.io/dockerconfigjson");
  }

  @Test
  void readsUsernameAndPasswordFields() {
    byte[] json =
        config("{\"auths\":{\"registry.local:5000\":{\"username\":\"u\",\"password\":\"p\"}}}");

    assertThat(RegistryCredentials.fromDockerConfigJson(json, "registry.local:5000"))
        .isEqualTo(RegistryCredentials.basic("u", "p"));
  }

  @Test
  void matchesKeysWrittenWithSchemeAndPath() {
    byte[] json =
        config(
            "{\"auths\":{\"https://Registry.Local:5000/v2/\":{\"auth\":\"" + auth("u:p") + "\"}}}");

    assertThat(RegistryCredentials.fromDockerConfigJson(json, "registry.local:5000"))
        .isEqualTo(RegistryCredentials.basic("u", "p"));
  }

  @Test
  void dockerHubLegacyKeyMatchesTheApiHost() {
    byte[] json =
        config("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth("u:p") + "\"}}}");

    assertThat(RegistryCredentials.fromDockerConfigJson(json, OciReference.DOCKER_HUB_REGISTRY))
        .isEqualTo(RegistryCredentials.basic("u", "p"));
  }

  @Test
  void portMustMatch() {
    byte[] json =
        config("{\"auths\":{\"registry.local:5000\":{\"auth\":\"" + auth("u:p") + "\"}}}");

    assertThat(RegistryCredentials.fromDockerConfigJson(json, "registry.local:6000").isAnonymous())
        .isTrue();
  }

  @Test
  void noMatchingEntryIsAnonymous() {
    byte[] json = config("{\"auths\":{\"ghcr.io\":{\"auth\":\"" + auth("u:p") + "\"}}}");

    assertThat(RegistryCredentials.fromDockerConfigJson(json, "quay.io"))
        .isEqualTo(RegistryCredentials.anonymous());
  }

  @Test
  void legacyDockercfgWithoutAuthsIsRead() {
    byte[] json = config("{\"quay.io\":{\"auth\":\"" + auth("u:p") + "\"}}");

    assertThat(RegistryCredentials.fromDockerConfigJson(json, "quay.io"))
        .isEqualTo(RegistryCredentials.basic("u", "p"));
  }

  @Test
  void malformedJsonIsReported() {
    assertThatThrownBy(() -> RegistryCredentials.fromDockerConfigJson(config("{nope"), "quay.io"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Docker config");
  }

  @Test
  void authWithoutColonIsReported() {
    byte[] json = config("{\"auths\":{\"quay.io\":{\"auth\":\"" + auth("nocolon") + "\"}}}");

    assertThatThrownBy(() -> RegistryCredentials.fromDockerConfigJson(json, "quay.io"))
        .hasMessageContaining("user:password");
  }

  @Test
  void toStringHidesThePassword() {
    assertThat(RegistryCredentials.basic("me", "hunter2").toString())
        .contains("me")
        .doesNotContain("hunter2");
  }
}
