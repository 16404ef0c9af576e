package dev.serverlessrunner.operator;

import dev.serverlessrunner.crd.pool.Autoscaling;
import dev.serverlessrunner.crd.pool.Batch;
import dev.serverlessrunner.crd.pool.Persistence;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.RunnerPoolSpec;
import dev.serverlessrunner.crd.pool.Shard;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** RunnerPool fixtures. */
public final class TestPools {
  private TestPools() {}

  /** A pool with a fixed replica count and nothing else set. */
  public static RunnerPool fixed(String namespace, String name, int replicas) {
    RunnerPool pool = new RunnerPool();
    pool.setMetadata(
        new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L).build());
    RunnerPoolSpec spec = new RunnerPoolSpec();
    spec.setReplicas(replicas);
    pool.setSpec(spec);
    return pool;
  }

  /** A pool autoscaled on CPU between min and max replicas. */
  public static RunnerPool autoscaled(String namespace, String name, int min, int max) {
    RunnerPool pool = fixed(namespace, name, 0);
    pool.getSpec().setReplicas(null);
    Autoscaling autoscaling = new Autoscaling();
    autoscaling.setMinReplicas(min);
    autoscaling.setMaxReplicas(max);
    autoscaling.setTargetCPUUtilization(70);
    pool.getSpec().setAutoscaling(autoscaling);
    return pool;
  }

  /** A pool autoscaled on in-flight invocations (8 per pod) between min and max replicas. */
  public static RunnerPool inFlight(String namespace, String name, int min, int max) {
    RunnerPool pool = autoscaled(namespace, name, min, max);
    pool.getSpec().getAutoscaling().setTargetCPUUtilization(null);
    pool.getSpec().getAutoscaling().setTargetInFlight(8);
    return pool;
  }

  /** Adds shards (by Secret name) and batch settings to the pool. */
  public static RunnerPool withShards(RunnerPool pool, String... secretNames) {
    Persistence persistence = new Persistence();
    persistence.setShards(java.util.Arrays.stream(secretNames).map(Shard::new).toList());
    Batch batch = new Batch();
    batch.setMaxRows(250);
    batch.setFlushInterval("20ms");
    batch.setQueueCapacity(5000);
    persistence.setBatch(batch);
    pool.getSpec().setPersistence(persistence);
    return pool;
  }
}
