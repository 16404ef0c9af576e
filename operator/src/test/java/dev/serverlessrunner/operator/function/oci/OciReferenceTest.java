package dev.serverlessrunner.operator.function.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class OciReferenceTest {

  @Test
  void fullReferenceSplitsIntoRegistryRepositoryAndTag() {
    assertThat(OciReference.parse("registry.example.com/team/hello:1.0"))
        .isEqualTo(new OciReference("registry.example.com", "team/hello", "1.0", null));
  }

  @Test
  void registryWithPortIsKept() {
    assertThat(OciReference.parse("localhost:5000/hello:2").registry()).isEqualTo("localhost:5000");
  }

  @Test
  void bareNameDefaultsToDockerHubLibraryAndLatest() {
    assertThat(OciReference.parse("hello"))
        .isEqualTo(
            new OciReference(OciReference.DEFAULT_REGISTRY, "library/hello", "latest", null));
  }

  @Test
  void digestReferenceUsesTheDigestForTheManifest() {
    String digest = "sha256:" + "a".repeat(64);
    OciReference ref = OciReference.parse("ghcr.io/team/hello@" + digest);

    assertThat(ref.tag()).isNull();
    assertThat(ref.manifestReference()).isEqualTo(digest);
  }

  @Test
  void malformedReferencesAreRefused() {
    assertThatThrownBy(() -> OciReference.parse("ghcr.io/Team/Hello:1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OciReference.parse("ghcr.io/team/hello@sha256:xyz"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OciReference.parse(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dockerConfigJsonAuthFieldYieldsCredentialsForItsRegistry() throws Exception {
    String auth = Base64.getEncoder().encodeToString("robot:s3cret".getBytes());
    String json = "{\"auths\":{\"https://ghcr.io\":{\"auth\":\"" + auth + "\"}}}";

    assertThat(RegistryCredentials.fromDockerConfigJson(json, "ghcr.io"))
        .contains(new RegistryCredentials("robot", "s3cret"));
    assertThat(RegistryCredentials.fromDockerConfigJson(json, "quay.io")).isEmpty();
  }
}
