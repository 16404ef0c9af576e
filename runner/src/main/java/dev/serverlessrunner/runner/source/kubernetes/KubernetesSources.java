package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.runner.config.RunnerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Builds the Kubernetes function source from the runner's configuration. */
public final class KubernetesSources {

  private KubernetesSources() {}

  /** The source for {@code runner.kubernetes.pool}, which must be set. */
  public static KubernetesFunctionSource create(RunnerConfig config, KubernetesClient client) {
    RunnerConfig.Kubernetes k = config.kubernetes();
    String pool =
        k.pool()
            .orElseThrow(() -> new IllegalArgumentException("runner.kubernetes.pool is not set"));
    String namespace = k.namespace().orElseGet(client::getNamespace);
    if (namespace == null) {
      throw new IllegalArgumentException(
          "runner.kubernetes.namespace is not set and the Kubernetes client has no namespace");
    }
    KubernetesSourceOptions options =
        KubernetesSourceOptions.builder(namespace, pool)
            .preloadTimeout(k.preloadTimeout())
            .retry(k.retryMin(), k.retryMax())
            .maxModuleBytes(config.functions().maxModuleBytes())
            .build();
    return new KubernetesFunctionSource(client, options);
  }
}
