package dev.serverlessrunner.operator.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.ConfigMapModules;
import dev.serverlessrunner.crd.function.FunctionLimits;
import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.crd.pool.LimitCeilings;
import dev.serverlessrunner.crd.pool.PoolFunctionLimits;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.Digests;
import dev.serverlessrunner.operator.TestFunctions;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@WithKubernetesTestServer(crud = true)
// Not restricted to this class, so both *IT classes share one Quarkus start.
@QuarkusTestResource(FakeRegistryResource.class)
@QuarkusTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WasmFunctionReconcilerIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject KubernetesClient client;
  @Inject WarningEvents events;

  private String ns() {
    return client.getNamespace();
  }

  private void createPool(String name) {
    RunnerPool pool = TestPools.fixed(ns(), name, 1);
    pool.getMetadata().setGeneration(null);
    client.resource(pool).create();
  }

  private void createFunction(String name, String pool, String configMap) {
    WasmFunction fn = TestFunctions.fromConfigMap(ns(), name, pool, configMap);
    fn.getMetadata().setGeneration(null);
    client.resource(fn).create();
  }

  private void createConfigMap(String name, byte[] bytes) {
    client.resource(TestFunctions.moduleConfigMap(ns(), name, bytes)).create();
  }

  private WasmFunctionStatus status(String name) {
    WasmFunction fn = client.resources(WasmFunction.class).inNamespace(ns()).withName(name).get();
    return fn == null ? null : fn.getStatus();
  }

  private Condition awaitCondition(String fn, String type, String status, String reason) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                status(fn) == null
                    ? null
                    : Conditions.find(status(fn).getConditions(), type).orElse(null),
            c -> c != null && c.getStatus().equals(status) && c.getReason().equals(reason));
  }

  @Test
  void validConfigMapModuleMakesTheFunctionReadyWithItsDigest() {
    createPool("pool-a");
    createConfigMap("mod-a", TestFunctions.MODULE);
    createFunction("fn-a", "pool-a", "mod-a");

    awaitCondition("fn-a", "Ready", "True", FunctionStatusAggregator.READY);
    WasmFunctionStatus status = status("fn-a");
    assertThat(status.getDigest()).isEqualTo(Digests.sha256(TestFunctions.MODULE));
    assertThat(status.getSizeBytes()).isEqualTo((long) TestFunctions.MODULE.length);
    assertThat(Conditions.isTrue(status.getConditions(), "SourceResolved")).isTrue();
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void missingConfigMapIsAConditionAndCreatingItMakesTheFunctionReady() {
    createPool("pool-b");
    createFunction("fn-b", "pool-b", "mod-b");

    Condition missing =
        awaitCondition("fn-b", "SourceResolved", "False", ConfigMapModules.CONFIG_MAP_NOT_FOUND);
    assertThat(missing.getMessage()).contains("kubectl create configmap mod-b");
    awaitCondition("fn-b", "Ready", "False", FunctionStatusAggregator.SOURCE_NOT_RESOLVED);

    createConfigMap("mod-b", TestFunctions.MODULE);

    awaitCondition("fn-b", "Ready", "True", FunctionStatusAggregator.READY);
  }

  @Test
  void userErrorRecordsOneWarningEventOnTheFunction() {
    createPool("pool-c");
    createFunction("fn-c", "pool-c", "mod-c");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns()).list().getItems())
                    .filteredOn(e -> e.getInvolvedObject().getName().equals("fn-c"))
                    .singleElement()
                    .satisfies(
                        (Event e) -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason())
                              .isEqualTo(ConfigMapModules.CONFIG_MAP_NOT_FOUND);
                          assertThat(e.getInvolvedObject().getKind()).isEqualTo("WasmFunction");
                        }));
  }

  @Test
  void recordingTheSameWarningAgainKeepsOneEvent() {
    createPool("pool-k");
    createConfigMap("mod-k", TestFunctions.MODULE);
    createFunction("fn-k", "pool-k", "mod-k");
    awaitCondition("fn-k", "Ready", "True", FunctionStatusAggregator.READY);
    WasmFunction fn = client.resources(WasmFunction.class).inNamespace(ns()).withName("fn-k").get();

    events.warn(client, fn, "SomeReason", "same message");
    events.warn(client, fn, "SomeReason", "same message");

    // Only this reason: the reconciler may have warned about the ConfigMap before its informer
    // saw it.
    assertThat(client.v1().events().inNamespace(ns()).list().getItems())
        .filteredOn(e -> e.getInvolvedObject().getName().equals("fn-k"))
        .filteredOn(e -> e.getReason().equals("SomeReason"))
        .singleElement()
        .satisfies((Event e) -> assertThat(e.getMessage()).isEqualTo("same message"));
  }

  @Test
  void bytesThatAreNotWasmAreRefused() {
    createPool("pool-d");
    createConfigMap("mod-d", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8));
    createFunction("fn-d", "pool-d", "mod-d");

    awaitCondition("fn-d", "SourceResolved", "False", RunnerModuleCheck.NOT_WASM);
    assertThat(status("fn-d").getDigest()).isNull();
  }

  @ParameterizedTest(name = "{0} is refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "simd                | uses SIMD: instruction V128_CONST",
        "no-start            | has no _start export",
        "unknown-import      | env.launch_missiles",
        "multi-memory        | declares 2 memories",
        "gc-types            | declares a GC struct type",
      })
  void moduleTheRunnersRefuseIsNeverReady(String guest, String reason) {
    String name = "refused-" + guest;
    createPool(name);
    createConfigMap(name, Guests.bytes(guest));
    createFunction(name, name, name);

    Condition source =
        awaitCondition(name, "SourceResolved", "False", RunnerModuleCheck.POLICY_REFUSED);
    assertThat(source.getMessage()).contains(reason);
    Condition ready = Conditions.find(status(name).getConditions(), "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(RunnerModuleCheck.POLICY_REFUSED);
    assertThat(ready.getMessage()).contains(reason);
    assertThat(status(name).getDigest()).isNull();
  }

  @Test
  void initialMemoryAboveWhatThePoolAllowsIsRefusedUntilThePoolAllowsIt() {
    RunnerPool pool = TestPools.fixed(ns(), "pool-mem", 1);
    pool.getMetadata().setGeneration(null);
    LimitCeilings max = new LimitCeilings();
    max.setMemory("64Mi");
    PoolFunctionLimits poolLimits = new PoolFunctionLimits();
    poolLimits.setMax(max);
    pool.getSpec().setFunctionLimits(poolLimits);
    client.resource(pool).create();
    createConfigMap("mod-mem", Guests.bytes("huge-initial-memory"));
    createFunction("fn-mem", "pool-mem", "mod-mem");

    Condition refused =
        awaitCondition("fn-mem", "SourceResolved", "False", RunnerModuleCheck.POLICY_REFUSED);
    assertThat(refused.getMessage())
        .contains("initial memory of 2000 pages (125 MiB), above the cap of 1024 pages");

    // A patch, not an update: the pool's own status writes would make an update conflict.
    client
        .resources(RunnerPool.class)
        .inNamespace(ns())
        .withName("pool-mem")
        .edit(
            p -> {
              p.getSpec().getFunctionLimits().getMax().setMemory("128Mi");
              return p;
            });

    awaitCondition("fn-mem", "Ready", "True", FunctionStatusAggregator.READY);
  }

  @Test
  void refusedModuleReplacedByAServableOneBecomesReady() {
    createPool("pool-r");
    createConfigMap("mod-r", Guests.bytes("simd"));
    createFunction("fn-r", "pool-r", "mod-r");
    awaitCondition("fn-r", "Ready", "False", RunnerModuleCheck.POLICY_REFUSED);

    client.resource(TestFunctions.moduleConfigMap(ns(), "mod-r", TestFunctions.MODULE)).update();

    awaitCondition("fn-r", "Ready", "True", FunctionStatusAggregator.READY);
    assertThat(status("fn-r").getDigest()).isEqualTo(Digests.sha256(TestFunctions.MODULE));
  }

  @Test
  void refusedUpdateKeepsTheServedDigest() {
    createPool("pool-u");
    createConfigMap("mod-u", TestFunctions.MODULE);
    createFunction("fn-u", "pool-u", "mod-u");
    awaitCondition("fn-u", "Ready", "True", FunctionStatusAggregator.READY);

    client
        .resource(TestFunctions.moduleConfigMap(ns(), "mod-u", Guests.bytes("unknown-import")))
        .update();

    awaitCondition("fn-u", "SourceResolved", "False", RunnerModuleCheck.POLICY_REFUSED);
    assertThat(status("fn-u").getDigest()).isEqualTo(Digests.sha256(TestFunctions.MODULE));
  }

  @Test
  void missingPoolIsAConditionAndCreatingItMakesTheFunctionReady() {
    createConfigMap("mod-e", TestFunctions.MODULE);
    createFunction("fn-e", "pool-e", "mod-e");

    Condition notReady =
        awaitCondition("fn-e", "Ready", "False", FunctionStatusAggregator.POOL_NOT_FOUND);
    assertThat(notReady.getMessage()).contains("pool-e");

    createPool("pool-e");

    awaitCondition("fn-e", "Ready", "True", FunctionStatusAggregator.READY);
  }

  @Test
  void functionOverItsPoolsCeilingIsNotReadyUntilThePoolRaisesIt() {
    createPool("pool-l");
    createConfigMap("mod-l", TestFunctions.MODULE);
    WasmFunction fn = TestFunctions.fromConfigMap(ns(), "fn-l", "pool-l", "mod-l");
    fn.getMetadata().setGeneration(null);
    FunctionLimits limits = new FunctionLimits();
    limits.setMemory("256Mi");
    limits.setTimeout("2m");
    fn.getSpec().setLimits(limits);
    client.resource(fn).create();

    Condition refused =
        awaitCondition("fn-l", "Ready", "False", FunctionStatusAggregator.LIMITS_EXCEED_POOL);
    assertThat(refused.getMessage())
        .contains("pool-l", "memory 256Mi > 128Mi", "timeout 120s > 60s");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns()).list().getItems())
                    .filteredOn(e -> e.getInvolvedObject().getName().equals("fn-l"))
                    .extracting(Event::getReason)
                    .contains(FunctionStatusAggregator.LIMITS_EXCEED_POOL));

    RunnerPool pool = client.resources(RunnerPool.class).inNamespace(ns()).withName("pool-l").get();
    LimitCeilings max = new LimitCeilings();
    max.setMemory("512Mi");
    max.setTimeout("5m");
    PoolFunctionLimits poolLimits = new PoolFunctionLimits();
    poolLimits.setMax(max);
    pool.getSpec().setFunctionLimits(poolLimits);
    client.resource(pool).update();

    awaitCondition("fn-l", "Ready", "True", FunctionStatusAggregator.READY);
  }

  @Test
  void functionWithinItsPoolsCeilingIsReady() {
    createPool("pool-m");
    createConfigMap("mod-m", TestFunctions.MODULE);
    WasmFunction fn = TestFunctions.fromConfigMap(ns(), "fn-m", "pool-m", "mod-m");
    fn.getMetadata().setGeneration(null);
    FunctionLimits limits = new FunctionLimits();
    limits.setMemory("128Mi");
    limits.setFuel(10_000_000_000L);
    fn.getSpec().setLimits(limits);
    client.resource(fn).create();

    awaitCondition("fn-m", "Ready", "True", FunctionStatusAggregator.READY);
  }

  @Test
  void changedConfigMapGivesANewDigest() {
    createPool("pool-f");
    createConfigMap("mod-f", TestFunctions.moduleVariant(1));
    createFunction("fn-f", "pool-f", "mod-f");
    awaitCondition("fn-f", "Ready", "True", FunctionStatusAggregator.READY);

    client
        .resource(TestFunctions.moduleConfigMap(ns(), "mod-f", TestFunctions.moduleVariant(2)))
        .update();

    await()
        .atMost(WAIT)
        .until(
            () -> status("fn-f").getDigest(),
            d -> d.equals(Digests.sha256(TestFunctions.moduleVariant(2))));
  }

  @Test
  void readyFunctionIsCountedByItsPool() {
    createPool("pool-g");
    createConfigMap("mod-g", TestFunctions.MODULE);
    createFunction("fn-g", "pool-g", "mod-g");

    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .resources(RunnerPool.class)
                    .inNamespace(ns())
                    .withName("pool-g")
                    .get()
                    .getStatus(),
            s -> s != null && s.getFunctionsReady() != null && s.getFunctionsReady() == 1);
  }

  @Test
  void settledFunctionIsNotRewritten() {
    createPool("pool-h");
    createConfigMap("mod-h", TestFunctions.MODULE);
    createFunction("fn-h", "pool-h", "mod-h");
    awaitCondition("fn-h", "Ready", "True", FunctionStatusAggregator.READY);
    String version =
        client
            .resources(WasmFunction.class)
            .inNamespace(ns())
            .withName("fn-h")
            .get()
            .getMetadata()
            .getResourceVersion();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                client
                    .resources(WasmFunction.class)
                    .inNamespace(ns())
                    .withName("fn-h")
                    .get()
                    .getMetadata()
                    .getResourceVersion(),
            version::equals);
  }

  @Test
  void ociTagResolvesThroughThePullSecretToTheWasmLayerDigest() {
    String layer = Digests.sha256(TestFunctions.MODULE);
    FakeRegistryResource.registry().putWasm("team/hello", "1.0", TestFunctions.MODULE);
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (FakeRegistry.USER + ":" + FakeRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
    String dockerConfig =
        "{\"auths\":{\""
            + FakeRegistryResource.registry().host()
            + "\":{\"auth\":\""
            + auth
            + "\"}}}";
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("pull-i")
                .withNamespace(ns())
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(
                    ".dockerconfigjson",
                    Base64.getEncoder()
                        .encodeToString(dockerConfig.getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
    createPool("pool-i");
    WasmFunction fn = TestFunctions.fromConfigMap(ns(), "fn-i", "pool-i", "unused");
    fn.getMetadata().setGeneration(null);
    OciSource oci = new OciSource();
    oci.setRef(FakeRegistryResource.registry().host() + "/team/hello:1.0");
    oci.setPullSecretRef(new LocalObjectReference("pull-i"));
    fn.getSpec().getSource().setConfigMap(null);
    fn.getSpec().getSource().setOci(oci);
    client.resource(fn).create();

    awaitCondition("fn-i", "Ready", "True", FunctionStatusAggregator.READY);
    assertThat(status("fn-i").getDigest()).isEqualTo(layer);
    assertThat(status("fn-i").getSizeBytes()).isEqualTo((long) TestFunctions.MODULE.length);
  }

  @Test
  void ociReferenceWithoutPullSecretIsUnauthorized() {
    createPool("pool-j");
    WasmFunction fn = TestFunctions.fromConfigMap(ns(), "fn-j", "pool-j", "unused");
    fn.getMetadata().setGeneration(null);
    OciSource oci = new OciSource();
    oci.setRef(FakeRegistryResource.registry().host() + "/team/hello:1.0");
    fn.getSpec().getSource().setConfigMap(null);
    fn.getSpec().getSource().setOci(oci);
    client.resource(fn).create();

    awaitCondition("fn-j", "SourceResolved", "False", "RegistryUnauthorized");
  }
}
