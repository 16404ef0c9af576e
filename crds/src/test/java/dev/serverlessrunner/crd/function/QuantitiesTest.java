package dev.serverlessrunner.crd.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {

  @Test
  void bytesAcceptEveryFormTheCrdSchemaAdmits() {
    assertThat(Quantities.parseBytes("f", "64Mi")).isEqualTo(64L << 20);
    assertThat(Quantities.parseBytes("f", "1048576")).isEqualTo(1L << 20);
    assertThat(Quantities.parseBytes("f", "500M")).isEqualTo(500_000_000L);
    assertThat(Quantities.parseBytes("f", "1.5Gi")).isEqualTo(3L << 29);
    assertThat(Quantities.parseBytes("f", "0.1")).isEqualTo(1L);
  }

  @Test
  void durationsAcceptCompoundAndDecimalForms() {
    assertThat(Quantities.parseDuration("f", "10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Quantities.parseDuration("f", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Quantities.parseDuration("f", "1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Quantities.parseDuration("f", "1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Quantities.parseDuration("f", "1h1m")).isEqualTo(Duration.ofMinutes(61));
  }

  @Test
  void malformedValuesNameTheField() {
    assertThatThrownBy(() -> Quantities.parseBytes("spec.limits.memory", "lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.limits.memory");
    assertThatThrownBy(() -> Quantities.parseDuration("spec.limits.timeout", "0s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.limits.timeout");
    assertThatThrownBy(() -> Quantities.parseDuration("spec.limits.timeout", "soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.limits.timeout");
  }
}
