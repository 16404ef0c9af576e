package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OciReferenceTest {

  private static final String DIGEST =
      "sha256:a6e61be9531d3bb35f5049375c979d1f377c4ca46c8188a8ed2d10ec0ada6e6f";

  @Test
  void parsesRegistryRepositoryPathAndTag() {
    OciReference r = OciReference.parse("ghcr.io/team/functions/greeter:1.0");

    assertThat(r.registry()).isEqualTo("ghcr.io");
    assertThat(r.repository()).isEqualTo("team/functions/greeter");
    assertThat(r.tag()).isEqualTo("1.0");
    assertThat(r.digest()).isNull();
    assertThat(r.manifestReference()).isEqualTo("1.0");
  }

  @Test
  void parsesDigestOnly() {
    OciReference r = OciReference.parse("ghcr.io/team/greeter@" + DIGEST);

    assertThat(r.tag()).isNull();
    assertThat(r.digest()).isEqualTo(DIGEST);
    assertThat(r.manifestReference()).isEqualTo(DIGEST);
  }

  @Test
  void tagAndDigestKeepBothAndResolveByDigest() {
    OciReference r = OciReference.parse("ghcr.io/team/greeter:1.0@" + DIGEST);

    assertThat(r.tag()).isEqualTo("1.0");
    assertThat(r.manifestReference()).isEqualTo(DIGEST);
    assertThat(r).hasToString("ghcr.io/team/greeter:1.0@" + DIGEST);
  }

  @Test
  void registryPortIsNotMistakenForATag() {
    OciReference r = OciReference.parse("localhost:5000/greeter");

    assertThat(r.registry()).isEqualTo("localhost:5000");
    assertThat(r.host()).isEqualTo("localhost");
    assertThat(r.repository()).isEqualTo("greeter");
    assertThat(r.tag()).isEqualTo("latest");
  }

  @Test
  void ipv6RegistryWithPort() {
    OciReference r = OciReference.parse("[::1]:5000/fn/greeter:v2");

    assertThat(r.registry()).isEqualTo("[::1]:5000");
    assertThat(r.host()).isEqualTo("[::1]");
  }

  @Test
  void singleNameGoesToDockerHubLibrary() {
    OciReference r = OciReference.parse("greeter");

    assertThat(r.registry()).isEqualTo("registry-1.docker.io");
    assertThat(r.repository()).isEqualTo("library/greeter");
    assertThat(r.tag()).isEqualTo("latest");
  }

  @Test
  void userRepositoryGoesToDockerHub() {
    OciReference r = OciReference.parse("someone/greeter:v1");

    assertThat(r.registry()).isEqualTo("registry-1.docker.io");
    assertThat(r.repository()).isEqualTo("someone/greeter");
  }

  @Test
  void explicitDockerIoIsNormalised() {
    assertThat(OciReference.parse("docker.io/greeter:v1").repository())
        .isEqualTo("library/greeter");
    assertThat(OciReference.parse("index.docker.io/a/b:v1").registry())
        .isEqualTo("registry-1.docker.io");
  }

  @Test
  void pinnedDropsTheTag() {
    OciReference pinned = OciReference.parse("ghcr.io/team/greeter:1.0").pinned(DIGEST);

    assertThat(pinned).hasToString("ghcr.io/team/greeter@" + DIGEST);
  }

  @Test
  void toStringRoundTrips() {
    String text = "registry.example.com:8443/a/b-c/d_e:v1.2-rc";

    assertThat(OciReference.parse(text)).hasToString(text);
    assertThat(OciReference.parse(OciReference.parse(text).toString()))
        .isEqualTo(OciReference.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ghcr.io/Team/greeter:1",
        "ghcr.io/team//greeter:1",
        "ghcr.io/team/greeter:",
        "ghcr.io/team/greeter:-bad",
        "ghcr.io/team/-greeter:1",
        "ghcr.io/team/greeter@sha256:abc",
        "ghcr.io/team/greeter@md5:0123456789abcdef0123456789abcdef",
        "https://ghcr.io/team/greeter:1",
        " ",
      })
  void rejectsInvalidReferences(String text) {
    assertThatThrownBy(() -> OciReference.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OCI reference");
  }

  @Test
  void messageSaysWhatIsWrong() {
    assertThatThrownBy(() -> OciReference.parse("ghcr.io/Team/greeter:1"))
        .hasMessageContaining("'Team'")
        .hasMessageContaining("lowercase");
    assertThatThrownBy(() -> OciReference.parse("ghcr.io/team/greeter@sha512:00"))
        .hasMessageContaining("only sha256");
    assertThatThrownBy(() -> OciReference.parse("https://ghcr.io/a:1"))
        .hasMessageContaining("without a scheme");
  }
}
