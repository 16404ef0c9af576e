package dev.serverlessrunner.operator.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.operator.TestFunctions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import org.junit.jupiter.api.Test;

class ConfigMapModuleResolverTest {
  private static final ConfigMapSource SOURCE = source();

  private static ConfigMapSource source() {
    ConfigMapSource source = new ConfigMapSource();
    source.setName("mod");
    source.setKey(TestFunctions.KEY);
    return source;
  }

  private static SourceResolution resolve(ConfigMap cm, long max) {
    return ConfigMapModuleResolver.resolve(SOURCE, "ns", cm, max);
  }

  @Test
  void validModuleResolvesToItsSha256AndSize() {
    SourceResolution result =
        resolve(TestFunctions.moduleConfigMap("ns", "mod", TestFunctions.EMPTY_MODULE), 1024);

    assertThat(result)
        .isEqualTo(
            new SourceResolution.Resolved(
                "sha256:93a44bbb96c751218e4c00d479e4c14358122a389acca16205b1e4d0dc5f9476",
                8L,
                "ConfigMap ns/mod key module.wasm"));
  }

  @Test
  void missingConfigMapTellsHowToCreateIt() {
    SourceResolution result = resolve(null, 1024);

    assertThat(result).isInstanceOf(SourceResolution.Invalid.class);
    assertThat(((SourceResolution.Invalid) result).reason())
        .isEqualTo(ConfigMapModuleResolver.CONFIG_MAP_NOT_FOUND);
    assertThat(((SourceResolution.Invalid) result).message())
        .contains("kubectl create configmap mod --from-file=module.wasm=");
  }

  @Test
  void missingKeyListsTheKeysThatExist() {
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("mod")
            .endMetadata()
            .addToBinaryData("other.wasm", "AGFzbQEAAAA=")
            .build();

    SourceResolution.Invalid result = (SourceResolution.Invalid) resolve(cm, 1024);

    assertThat(result.reason()).isEqualTo(ConfigMapModuleResolver.KEY_NOT_FOUND);
    assertThat(result.message()).contains("[other.wasm]");
  }

  @Test
  void keyUnderTextDataIsRefusedAsNotBinary() {
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("mod")
            .endMetadata()
            .addToData(TestFunctions.KEY, "not binary")
            .build();

    assertThat(((SourceResolution.Invalid) resolve(cm, 1024)).reason())
        .isEqualTo(ConfigMapModuleResolver.KEY_NOT_BINARY);
  }

  @Test
  void bytesWithoutTheWasmMagicNumberAreRefused() {
    ConfigMap cm = TestFunctions.moduleConfigMap("ns", "mod", new byte[] {0x7f, 'E', 'L', 'F'});

    assertThat(((SourceResolution.Invalid) resolve(cm, 1024)).reason())
        .isEqualTo(ConfigMapModuleResolver.NOT_WASM);
  }

  @Test
  void tooShortBytesAreRefused() {
    ConfigMap cm = TestFunctions.moduleConfigMap("ns", "mod", new byte[] {0x00, 'a'});

    assertThat(((SourceResolution.Invalid) resolve(cm, 1024)).reason())
        .isEqualTo(ConfigMapModuleResolver.NOT_WASM);
  }

  @Test
  void moduleOverTheSizeLimitIsRefused() {
    ConfigMap cm = TestFunctions.moduleConfigMap("ns", "mod", TestFunctions.EMPTY_MODULE);

    SourceResolution.Invalid result = (SourceResolution.Invalid) resolve(cm, 7);

    assertThat(result.reason()).isEqualTo(ConfigMapModuleResolver.MODULE_TOO_LARGE);
    assertThat(result.message()).contains("8 bytes").contains("limit of 7");
  }
}
