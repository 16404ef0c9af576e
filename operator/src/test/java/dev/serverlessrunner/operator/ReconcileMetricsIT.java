package dev.serverlessrunner.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reconciliations are counted per controller in the registry /q/metrics exports. */
@WithKubernetesTestServer(crud = true)
@QuarkusTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReconcileMetricsIT {

  @Inject KubernetesClient client;
  @Inject MeterRegistry registry;

  @Test
  void reconciliationsOfAPoolAreCountedForItsController() {
    var pool = TestPools.fixed(client.getNamespace(), "metered", 1);
    pool.getMetadata().setGeneration(null);
    client.resource(pool).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                registry.find("reconciliations.success.total").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum()
                    >= 1);
    assertThat(registry.find("reconciliations.started.total").counters())
        .flatExtracting(c -> c.getId().getTags())
        .anySatisfy(tag -> assertThat(tag.getKey()).isEqualTo("controller.name"));
    assertThat(registry.find("reconciliations.execution.duration").timers()).isNotEmpty();
  }

  @Test
  void failuresAreCountedFromZeroForEachController() {
    assertThat(registry.find("reconciliations.failure.total").counters())
        .extracting(c -> c.getId().getTag("controller.name"))
        .contains("runnerpool", "wasmfunction");
  }
}
