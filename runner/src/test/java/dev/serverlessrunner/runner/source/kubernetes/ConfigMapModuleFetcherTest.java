package dev.serverlessrunner.runner.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.crd.function.ModuleSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionSpec;
import dev.serverlessrunner.engine.load.ModuleDigest;
import dev.serverlessrunner.guests.Guests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Base64;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ConfigMapModuleFetcherTest {

  private static final byte[] GREETER = Guests.bytes("greeter");
  private static final byte[] FIB = Guests.bytes("fib");
  private static final WasmFunction FN = function();

  private static ConfigMapModuleFetcher fetcher(Function<String, ConfigMap> live, long max) {
    return new ConfigMapModuleFetcher(live, max);
  }

  @Test
  void moduleIsReadFromTheNamedConfigMap() throws Exception {
    FetchedModule module =
        fetcher(name -> name.equals("module") ? holding(GREETER) : null, 1 << 20)
            .fetch(FN, ModuleDigest.of(GREETER));

    assertThat(module.bytes()).isEqualTo(GREETER);
    assertThat(module.origin()).isEqualTo("ConfigMap functions/module key module.wasm");
  }

  @Test
  void missingConfigMapIsUnusable() {
    assertThatThrownBy(() -> fetcher(name -> null, 1 << 20).fetch(FN, "sha256:00"))
        .isInstanceOf(ModuleUnusableException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void apiServerFailureIsUnavailable() {
    assertThatThrownBy(
            () ->
                fetcher(
                        name -> {
                          throw new KubernetesClientException("connection refused");
                        },
                        1 << 20)
                    .fetch(FN, "sha256:00"))
        .isInstanceOf(ModuleUnavailableException.class)
        .hasMessageContaining("connection refused");
  }

  @Test
  void moduleOverTheLimitIsUnusable() {
    assertThatThrownBy(
            () -> fetcher(name -> holding(FIB), FIB.length - 1).fetch(FN, ModuleDigest.of(FIB)))
        .isInstanceOf(ModuleUnusableException.class)
        .hasMessageContaining("limit of " + (FIB.length - 1));
  }

  private static ConfigMap holding(byte[] module) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace("functions")
        .withName("module")
        .endMetadata()
        .addToBinaryData("module.wasm", Base64.getEncoder().encodeToString(module))
        .build();
  }

  private static WasmFunction function() {
    ConfigMapSource cm = new ConfigMapSource();
    cm.setName("module");
    cm.setKey("module.wasm");
    ModuleSource source = new ModuleSource();
    source.setConfigMap(cm);
    WasmFunctionSpec spec = new WasmFunctionSpec();
    spec.setPool("blue");
    spec.setSource(source);
    WasmFunction fn = new WasmFunction();
    fn.setMetadata(new ObjectMetaBuilder().withNamespace("functions").withName("hello").build());
    fn.setSpec(spec);
    return fn;
  }
}
