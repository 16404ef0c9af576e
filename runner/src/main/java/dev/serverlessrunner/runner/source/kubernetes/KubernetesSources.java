package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.oci.BlobCache;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import dev.serverlessrunner.runner.config.RunnerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
    Set<String> plainHttp = new HashSet<>(RegistryClientOptions.DEFAULT_PLAIN_HTTP_HOSTS);
    plainHttp.addAll(k.insecureRegistries().orElse(List.of()));
    RegistryClientOptions registry =
        RegistryClientOptions.builder()
            .connectTimeout(k.registryConnectTimeout())
            .requestTimeout(k.registryRequestTimeout())
            .maxBlobBytes(config.functions().maxModuleBytes())
            .plainHttpHosts(plainHttp)
            .build();
    BlobCache cache = BlobCache.open(k.blobCacheDir(), k.blobCacheMaxBytes());
    return new KubernetesFunctionSource(
        client, options, new RegistryClient(registry, cache), cache);
  }
}
