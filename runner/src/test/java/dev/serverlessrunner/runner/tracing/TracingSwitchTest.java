package dev.serverlessrunner.runner.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tracing is on exactly when an OTLP endpoint is configured, unless the user says otherwise. */
class TracingSwitchTest {

  private static boolean sdkDisabled(Map<String, String> user) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            // Where application.properties sits (ordinal 250), and Quarkus' own default below it.
            .withSources(new PropertiesConfigSource(user, "user", 250))
            .withSources(
                new PropertiesConfigSource(
                    Map.of(
                        TracingSwitch.SDK_DISABLED,
                        "false",
                        TracingSwitch.ENDPOINT,
                        "http://localhost:4317"),
                    "extension defaults",
                    Integer.MIN_VALUE))
            .withSources(new TracingSwitch())
            .build();
    return config.getValue(TracingSwitch.SDK_DISABLED, Boolean.class);
  }

  @Test
  void withoutAnEndpointTheSdkIsDisabled() {
    assertThat(sdkDisabled(Map.of())).isTrue();
  }

  @Test
  void anEndpointEnablesIt() {
    assertThat(sdkDisabled(Map.of(TracingSwitch.ENDPOINT, "http://collector:4317"))).isFalse();
  }

  @Test
  void aTracesEndpointEnablesIt() {
    assertThat(sdkDisabled(Map.of(TracingSwitch.TRACES_ENDPOINT, "http://collector:4318")))
        .isFalse();
  }

  @Test
  void anExplicitSettingWinsEitherWay() {
    assertThat(
            sdkDisabled(
                Map.of(
                    TracingSwitch.ENDPOINT, "http://collector:4317",
                    TracingSwitch.SDK_DISABLED, "true")))
        .isTrue();
    assertThat(sdkDisabled(Map.of(TracingSwitch.SDK_DISABLED, "false"))).isFalse();
  }
}
