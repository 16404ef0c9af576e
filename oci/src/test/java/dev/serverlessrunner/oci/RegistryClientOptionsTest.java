package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryClientOptionsTest {

  @Test
  void loopbackRegistriesUsePlainHttpByDefault() {
    RegistryClientOptions defaults = RegistryClientOptions.defaults();

    assertThat(defaults.usesPlainHttp(OciReference.parse("localhost:5000/a:1"))).isTrue();
    assertThat(defaults.usesPlainHttp(OciReference.parse("127.0.0.1:5000/a:1"))).isTrue();
    assertThat(defaults.usesPlainHttp(OciReference.parse("[::1]:5000/a:1"))).isTrue();
    assertThat(defaults.usesPlainHttp(OciReference.parse("ghcr.io/a:1"))).isFalse();
  }

  @Test
  void plainHttpHostMatchesWithOrWithoutPort() {
    RegistryClientOptions options =
        RegistryClientOptions.builder()
            .plainHttpHosts(Set.of("registry.local", "other:5000"))
            .build();

    assertThat(options.usesPlainHttp(OciReference.parse("registry.local:5000/a:1"))).isTrue();
    assertThat(options.usesPlainHttp(OciReference.parse("other:5000/a:1"))).isTrue();
    assertThat(options.usesPlainHttp(OciReference.parse("other:6000/a:1"))).isFalse();
    assertThat(options.usesPlainHttp(OciReference.parse("localhost:5000/a:1"))).isFalse();
  }

  @Test
  void defaultBlobLimitIs64MiB() {
    assertThat(RegistryClientOptions.defaults().maxBlobBytes()).isEqualTo(64L << 20);
  }

  @Test
  void toBuilderKeepsEverythingElse() {
    RegistryClientOptions changed =
        RegistryClientOptions.defaults().toBuilder().requestTimeout(Duration.ofSeconds(3)).build();

    assertThat(changed)
        .isEqualTo(RegistryClientOptions.builder().requestTimeout(Duration.ofSeconds(3)).build());
  }

  @Test
  void zeroTimeoutIsRefused() {
    assertThatThrownBy(() -> RegistryClientOptions.builder().connectTimeout(Duration.ZERO).build())
        .hasMessageContaining("connectTimeout");
  }
}
