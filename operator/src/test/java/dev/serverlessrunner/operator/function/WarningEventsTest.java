package dev.serverlessrunner.operator.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.WasmFunction;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class WarningEventsTest {

  private static WasmFunction function(String name, String uid) {
    WasmFunction fn = new WasmFunction();
    fn.setMetadata(new ObjectMetaBuilder().withName(name).withUid(uid).build());
    return fn;
  }

  @Test
  void sameWarningOnTheSameResourceHasTheSameName() {
    assertThat(WarningEvents.eventName(function("fn", "u1"), "NotWasm", "bad bytes"))
        .isEqualTo(WarningEvents.eventName(function("fn", "u1"), "NotWasm", "bad bytes"))
        .matches("fn\\.[0-9a-f]{16}");
  }

  @Test
  void anotherMessageOrResourceGetsAnotherName() {
    String name = WarningEvents.eventName(function("fn", "u1"), "NotWasm", "bad bytes");

    assertThat(WarningEvents.eventName(function("fn", "u1"), "NotWasm", "other bytes"))
        .isNotEqualTo(name);
    assertThat(WarningEvents.eventName(function("fn", "u2"), "NotWasm", "bad bytes"))
        .isNotEqualTo(name);
  }

  @Test
  void longResourceNameIsCutToAValidEventName() {
    String name = WarningEvents.eventName(function("a".repeat(235) + "-b", "u1"), "R", "m");

    assertThat(name).hasSizeLessThanOrEqualTo(253).matches("a+\\.[0-9a-f]{16}");
  }
}
