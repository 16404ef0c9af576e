package dev.serverlessrunner.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.Abi;
import dev.serverlessrunner.crd.function.Durability;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The samples in deploy/samples/ parse into the model, keep every field and serialize back. */
class SamplesRoundTripTest {

  static <T extends HasMetadata> T sample(String file, Class<T> type) throws IOException {
    Path path = CrdDriftTest.crdDir().resolveSibling("samples").resolve(file);
    try (InputStream in = Files.newInputStream(path)) {
      return Serialization.unmarshal(in, type);
    }
  }

  static <T extends HasMetadata> void assertRoundTrips(T resource, Class<T> type) {
    String yaml = Serialization.asYaml(resource);
    assertThat(Serialization.asJson(Serialization.unmarshal(yaml, type)))
        .isEqualTo(Serialization.asJson(resource));
  }

  @Test
  void configMapFunctionSampleKeepsItsFields() throws IOException {
    WasmFunction fn = sample("wasmfunction-configmap.yaml", WasmFunction.class);

    assertThat(fn.getMetadata().getName()).isEqualTo("greeter");
    assertThat(fn.getSpec().getPool()).isEqualTo("default");
    assertThat(fn.getSpec().getSource().getConfigMap().getName()).isEqualTo("greeter");
    assertThat(fn.getSpec().getSource().getConfigMap().getKey()).isEqualTo("greeter.wasm");
    assertThat(fn.getSpec().getSource().getOci()).isNull();
    assertThat(fn.getSpec().getEnv())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("GREETING");
              assertThat(e.getValue()).isEqualTo("Hello");
            });
    assertThat(fn.getSpec().getArgs()).containsExactly("--verbose");
    assertThat(fn.getSpec().getLimits()).as("left to the schema defaults").isNull();
    assertRoundTrips(fn, WasmFunction.class);
  }

  @Test
  void ociFunctionSampleKeepsItsFields() throws IOException {
    WasmFunction fn = sample("wasmfunction-oci.yaml", WasmFunction.class);

    assertThat(fn.getSpec().getSource().getOci().getRef())
        .isEqualTo("registry.example.com/serverlessrunner/fib-cgi:1.0");
    assertThat(fn.getSpec().getSource().getOci().getPullSecretRef().getName())
        .isEqualTo("registry-credentials");
    assertThat(fn.getSpec().getAbi()).isEqualTo(Abi.CGI);
    assertThat(fn.getSpec().getDurability()).isEqualTo(Durability.SYNC);
    assertThat(fn.getSpec().getLimits().getMemory()).isEqualTo("32Mi");
    assertThat(fn.getSpec().getLimits().getFuel()).isEqualTo(50_000_000L);
    assertThat(fn.getSpec().getLimits().getTimeout()).isEqualTo("5s");
    assertThat(fn.getSpec().getLimits().getMaxStdoutBytes()).isEqualTo(65_536L);
    assertThat(fn.getSpec().getLimits().getMaxRequestBytes()).isEqualTo(4_096L);
    assertRoundTrips(fn, WasmFunction.class);
  }

  @Test
  void fixedPoolSampleKeepsItsFields() throws IOException {
    RunnerPool pool = sample("runnerpool-fixed.yaml", RunnerPool.class);

    assertThat(pool.getSpec().getReplicas()).isEqualTo(2);
    assertThat(pool.getSpec().getAutoscaling()).isNull();
    assertThat(pool.getSpec().getResources().getRequests())
        .containsEntry("cpu", new Quantity("500m"));
    assertThat(pool.getSpec().getPersistence().getShards())
        .extracting(s -> s.getSecretRef().getName())
        .containsExactly("pg-shard-0", "pg-shard-1");
    assertThat(pool.getSpec().getPersistence().getBatch().getMaxRows()).isEqualTo(500);
    assertThat(pool.getSpec().getPersistence().getBatch().getFlushInterval()).isEqualTo("50ms");
    assertThat(pool.getSpec().getPersistence().getBatch().getQueueCapacity()).isEqualTo(20_000);
    assertRoundTrips(pool, RunnerPool.class);
  }

  @Test
  void autoscaledPoolSampleKeepsItsFields() throws IOException {
    RunnerPool pool = sample("runnerpool-autoscaled.yaml", RunnerPool.class);

    assertThat(pool.getSpec().getReplicas()).isNull();
    assertThat(pool.getSpec().getAutoscaling().getMinReplicas()).isEqualTo(2);
    assertThat(pool.getSpec().getAutoscaling().getMaxReplicas()).isEqualTo(32);
    assertThat(pool.getSpec().getAutoscaling().getTargetCPUUtilization()).isEqualTo(70);
    assertThat(pool.getSpec().getAutoscaling().getTargetInFlight()).isNull();
    assertRoundTrips(pool, RunnerPool.class);
  }

  @Test
  void scaleToZeroPoolSampleKeepsItsFields() throws IOException {
    RunnerPool pool = sample("runnerpool-scale-to-zero.yaml", RunnerPool.class);

    assertThat(pool.getSpec().getAutoscaling().getMinReplicas()).isZero();
    assertThat(pool.getSpec().getAutoscaling().getMaxReplicas()).isEqualTo(16);
    assertThat(pool.getSpec().getAutoscaling().getTargetInFlight()).isEqualTo(8);
    assertThat(pool.getSpec().getAutoscaling().getTargetCPUUtilization()).isNull();
    assertRoundTrips(pool, RunnerPool.class);
  }

  @Test
  void apiVersionAndKindMatchTheModel() throws IOException {
    RunnerPool pool = sample("runnerpool-fixed.yaml", RunnerPool.class);
    WasmFunction fn = sample("wasmfunction-configmap.yaml", WasmFunction.class);

    assertThat(pool.getApiVersion()).isEqualTo("serverlessrunner.dev/v1alpha1");
    assertThat(pool.getKind()).isEqualTo("RunnerPool");
    assertThat(fn.getApiVersion()).isEqualTo("serverlessrunner.dev/v1alpha1");
    assertThat(fn.getKind()).isEqualTo("WasmFunction");
  }
}
