package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.pool.Autoscaling;
import dev.serverlessrunner.crd.pool.Batch;
import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.Shard;
import dev.serverlessrunner.engine.EngineOptions;
import dev.serverlessrunner.engine.pool.PoolOptions;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every RunnerPool under deploy/ can start and keep its records: its runner pods pass the runner's
 * heap check inside their limits, CPU autoscaling has a request to measure against, and its shard
 * Secrets are shipped beside it.
 */
class RunnerPoolSizingTest {

  private static final String RECORDER_CONFIG =
      "runner/src/main/java/dev/serverlessrunner/runner/recording/RecorderConfig.java";
  private static final String HEAP_BUDGET =
      "runner/src/main/java/dev/serverlessrunner/runner/lifecycle/HeapBudget.java";

  static Stream<Manifest> pools() {
    return Manifests.under(ProjectFiles.deploy()).stream().filter(m -> m.is("RunnerPool"));
  }

  private static ResourceRequirements resources(Manifest m) {
    ResourceRequirements resources = m.as(RunnerPool.class).getSpec().getResources();
    assertThat(resources).as("%s spec.resources", m).isNotNull();
    return resources;
  }

  private static BigDecimal amount(Map<String, Quantity> quantities, String name) {
    return quantities == null || quantities.get(name) == null
        ? null
        : Quantity.getAmountInBytes(quantities.get(name));
  }

  /** The share of the container's memory the runner image gives the heap, e.g. 0.75. */
  private static double heapShare() {
    String javaOpts =
        String.join(" ", Dockerfile.read("runner/src/main/docker/Dockerfile.jvm").all("ENV"));
    Matcher m = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(javaOpts);
    assertThat(m.find()).as("runner Dockerfile sets -XX:MaxRAMPercentage").isTrue();
    return Double.parseDouble(m.group(1)) / 100;
  }

  @ParameterizedTest
  @MethodSource("pools")
  void poolLimitsCpuAndMemory(Manifest m) {
    // Without a CPU limit the JVM sees every core of the node and starts a guest thread for each.
    ResourceRequirements r = resources(m);

    assertThat(amount(r.getLimits(), "cpu")).as("%s CPU limit", m).isNotNull();
    assertThat(amount(r.getLimits(), "memory")).as("%s memory limit", m).isNotNull();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void poolPassesTheRunnersHeapCheck(Manifest m) {
    // runner/README.md, Heap budget: threads x the pool's memory ceiling + admitted bodies at the
    // pool's request ceiling + every shard's record backlog, within a share of the heap.
    RunnerPool pool = m.as(RunnerPool.class);
    ResourceRequirements r = resources(m);
    int threads = amount(r.getLimits(), "cpu").setScale(0, RoundingMode.CEILING).intValueExact();
    FunctionCeilings ceilings = FunctionCeilings.of(pool);
    int executionQueue = PoolOptions.DEFAULT_QUEUE_CAPACITY;
    Batch batch = pool.getSpec().getPersistence().getBatch();
    int recordQueue =
        batch != null && batch.getQueueCapacity() != null
            ? batch.getQueueCapacity()
            : Integer.parseInt(
                SourceFacts.find(RECORDER_CONFIG, "DEFAULT_QUEUE_CAPACITY = ([0-9_]+);")
                    .replace("_", ""));
    long recordBytes =
        Long.parseLong(SourceFacts.find(HEAP_BUDGET, "RECORD_BYTES = ([0-9]+) \\* 1024;")) * 1024;
    double share = Double.parseDouble(SourceFacts.find(HEAP_BUDGET, "SHARE = ([0-9.]+);"));
    int shards = pool.getSpec().getPersistence().getShards().size();
    double heap = amount(r.getLimits(), "memory").doubleValue() * heapShare();

    double needed =
        (double) threads * ceilings.memoryBytes()
            + (double) (threads + executionQueue) * ceilings.maxRequestBytes()
            + (double) shards * recordQueue * recordBytes;

    assertThat(needed)
        .as(
            "%s: %d threads x %d MiB + (%d + %d) x %d KiB bodies + %d shards x %d x %d KiB"
                + " within %.0f %% of a %.0f MiB heap",
            m,
            threads,
            ceilings.memoryBytes() >> 20,
            threads,
            executionQueue,
            ceilings.maxRequestBytes() >> 10,
            shards,
            recordQueue,
            recordBytes >> 10,
            share * 100,
            heap / (1 << 20))
        .isLessThanOrEqualTo(heap * share);
  }

  @ParameterizedTest
  @MethodSource("pools")
  void heapHoldsTwoGuestMemoriesPerThreadAndAFullModuleCache(Manifest m) {
    // bench/README.md, deployment notes: each worker can hold a guest memory up to its cap (at most
    // the pool's ceiling) plus a spare one, and the module cache fills up to its bound.
    ResourceRequirements r = resources(m);
    int threads = amount(r.getLimits(), "cpu").setScale(0, RoundingMode.CEILING).intValueExact();
    long guestMemory = FunctionCeilings.of(m.as(RunnerPool.class)).memoryBytes();
    long cache = EngineOptions.DEFAULT_CACHE_MAX_WEIGHT_BYTES;
    double heap = amount(r.getLimits(), "memory").doubleValue() * heapShare();

    assertThat((double) threads * 2 * guestMemory + cache)
        .as(
            "%s: %d threads x 2 x %d MiB + %d MiB cache within a %.0f MiB heap",
            m, threads, guestMemory >> 20, cache >> 20, heap / (1 << 20))
        .isLessThanOrEqualTo(heap);
  }

  @ParameterizedTest
  @MethodSource("pools")
  void cpuAutoscaledPoolRequestsCpu(Manifest m) {
    Autoscaling autoscaling = m.as(RunnerPool.class).getSpec().getAutoscaling();
    boolean onCpu = autoscaling != null && autoscaling.getTargetCPUUtilization() != null;

    if (onCpu) {
      assertThat(amount(resources(m).getRequests(), "cpu")).as("%s CPU request", m).isNotNull();
    }
  }

  @ParameterizedTest
  @MethodSource("pools")
  void poolRecordsIntoShards(Manifest m) {
    // Without shards every runner pod records into its own embedded database, lost with the pod.
    var persistence = m.as(RunnerPool.class).getSpec().getPersistence();

    assertThat(persistence).as("%s spec.persistence", m).isNotNull();
    assertThat(persistence.getShards()).as("%s spec.persistence.shards", m).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("pools")
  void shardSecretsShipBesideThePoolWithAUrl(Manifest m) {
    List<Secret> secrets =
        Manifests.under(m.file().getParent()).stream()
            .filter(s -> s.is("Secret"))
            .map(s -> s.as(Secret.class))
            .toList();

    for (Shard shard : m.as(RunnerPool.class).getSpec().getPersistence().getShards()) {
      String name = shard.getSecretRef().getName();
      assertThat(secrets)
          .as("%s: Secret %s with key url beside it", m, name)
          .anySatisfy(
              s -> {
                assertThat(s.getMetadata().getName()).isEqualTo(name);
                assertThat(s.getStringData()).containsKey("url");
              });
    }
  }
}
