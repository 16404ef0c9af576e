package dev.serverlessrunner.operator.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.ConfigMapModules;
import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.crd.pool.LimitCeilings;
import dev.serverlessrunner.crd.pool.PoolFunctionLimits;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.engine.load.ModuleDigest;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestFunctions;
import dev.serverlessrunner.operator.TestPools;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(120)
class ConfigMapModuleResolverTest {
  private static final ConfigMapSource SOURCE = source();
  private static final RunnerModuleCheck.PoolCheck CHECK =
      new RunnerModuleCheck(TestConfig.defaults()).forPool(Optional.empty());
  private static final long MAX = 1 << 20;

  private static ConfigMapSource source() {
    ConfigMapSource source = new ConfigMapSource();
    source.setName("mod");
    source.setKey(TestFunctions.KEY);
    return source;
  }

  private static SourceResolution resolve(ConfigMap cm, long max) {
    return ConfigMapModuleResolver.resolve(SOURCE, "ns", cm, max, CHECK);
  }

  private static SourceResolution.Invalid refused(String guest) {
    return (SourceResolution.Invalid)
        resolve(TestFunctions.moduleConfigMap("ns", "mod", Guests.bytes(guest)), MAX);
  }

  @Test
  void servableModuleResolvesToItsSha256AndSize() {
    SourceResolution result =
        resolve(TestFunctions.moduleConfigMap("ns", "mod", TestFunctions.MODULE), MAX);

    assertThat(result)
        .isEqualTo(
            new SourceResolution.Resolved(
                ModuleDigest.of(TestFunctions.MODULE),
                (long) TestFunctions.MODULE.length,
                "ConfigMap ns/mod key module.wasm"));
  }

  @Test
  void missingConfigMapTellsHowToCreateIt() {
    SourceResolution.Invalid result = (SourceResolution.Invalid) resolve(null, MAX);

    assertThat(result.reason()).isEqualTo(ConfigMapModules.CONFIG_MAP_NOT_FOUND);
    assertThat(result.message()).contains("kubectl create configmap mod --from-file=module.wasm=");
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

    SourceResolution.Invalid result = (SourceResolution.Invalid) resolve(cm, MAX);

    assertThat(result.reason()).isEqualTo(ConfigMapModules.KEY_NOT_FOUND);
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

    assertThat(((SourceResolution.Invalid) resolve(cm, MAX)).reason())
        .isEqualTo(ConfigMapModules.KEY_NOT_BINARY);
  }

  @Test
  void bytesThatAreNotWasmAreRefusedAsNotWasm() {
    SourceResolution.Invalid result = refused("not-wasm");

    assertThat(result.reason()).isEqualTo(RunnerModuleCheck.NOT_WASM);
    assertThat(result.message()).contains("is not a valid WebAssembly module");
  }

  @Test
  void tooShortBytesAreRefusedAsNotWasm() {
    ConfigMap cm = TestFunctions.moduleConfigMap("ns", "mod", new byte[] {0x00, 'a'});

    assertThat(((SourceResolution.Invalid) resolve(cm, MAX)).reason())
        .isEqualTo(RunnerModuleCheck.NOT_WASM);
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "simd                  | uses SIMD",
        "no-start              | has no _start export",
        "huge-table            | above the cap of 100000",
        "multi-memory          | declares 2 memories",
        "threads-shared-memory | declares a shared memory",
        "gc-types              | declares a GC struct type",
        "unknown-import        | env.launch_missiles",
      })
  void moduleTheRunnersPolicyRefusesIsPolicyRefusedWithTheValidatorsReason(
      String guest, String reason) {
    SourceResolution.Invalid result = refused(guest);

    assertThat(result.reason()).isEqualTo(RunnerModuleCheck.POLICY_REFUSED);
    assertThat(result.message()).contains(reason);
  }

  @Test
  void initialMemoryAboveThePoolsLargestFunctionMemoryIsRefused() {
    RunnerModuleCheck.PoolCheck check =
        new RunnerModuleCheck(TestConfig.defaults())
            .forPool(Optional.of(poolWithMaxMemory("64Mi")));

    SourceResolution.Invalid result =
        (SourceResolution.Invalid)
            ConfigMapModuleResolver.resolve(
                SOURCE,
                "ns",
                TestFunctions.moduleConfigMap("ns", "mod", Guests.bytes("huge-initial-memory")),
                MAX,
                check);

    assertThat(result.reason()).isEqualTo(RunnerModuleCheck.POLICY_REFUSED);
    assertThat(result.message())
        .contains("initial memory of 2000 pages (125 MiB), above the cap of 1024 pages");
  }

  @Test
  void initialMemoryWithinThePoolsLargestFunctionMemoryIsServed() {
    // 2000 pages fit the default ceiling of 128Mi, which runners accept as initial memory.
    assertThat(
            resolve(
                TestFunctions.moduleConfigMap("ns", "mod", Guests.bytes("huge-initial-memory")),
                MAX))
        .isInstanceOf(SourceResolution.Resolved.class);
  }

  private static RunnerPool poolWithMaxMemory(String memory) {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    LimitCeilings max = new LimitCeilings();
    max.setMemory(memory);
    PoolFunctionLimits limits = new PoolFunctionLimits();
    limits.setMax(max);
    pool.getSpec().setFunctionLimits(limits);
    return pool;
  }

  @Test
  void moduleOverTheSizeLimitIsRefused() {
    ConfigMap cm = TestFunctions.moduleConfigMap("ns", "mod", TestFunctions.MODULE);

    SourceResolution.Invalid result = (SourceResolution.Invalid) resolve(cm, 7);

    assertThat(result.reason()).isEqualTo(ConfigMapModules.MODULE_TOO_LARGE);
    assertThat(result.message()).contains("limit of 7 bytes");
  }
}
