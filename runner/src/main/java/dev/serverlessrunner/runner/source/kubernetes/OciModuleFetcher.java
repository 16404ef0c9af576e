package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.oci.BlobCache;
import dev.serverlessrunner.oci.OciException;
import dev.serverlessrunner.oci.OciReference;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pulls a module's Wasm layer from its registry by the digest the operator resolved (so a moved tag
 * never changes what runs), with the credentials of the function's pull Secret. A module already in
 * the disk cache is served from it without asking the API server or the registry.
 */
final class OciModuleFetcher implements ModuleFetcher {

  private final RegistryClient registry;
  private final BlobCache cache;
  private final Function<String, Secret> secrets;

  /**
   * @param registry the client; it fills {@code cache}
   * @param cache the client's disk cache, or null
   * @param secrets the Secret of a name in the watched namespace, read from the API server, or null
   *     when there is none
   */
  OciModuleFetcher(RegistryClient registry, BlobCache cache, Function<String, Secret> secrets) {
    this.registry = registry;
    this.cache = cache;
    this.secrets = secrets;
  }

  @Override
  public FetchedModule fetch(WasmFunction fn, String digest) throws ModuleFetchException {
    OciSource source = fn.getSpec().getSource().getOci();
    OciReference ref;
    try {
      ref = OciReference.parse(source.getRef());
    } catch (IllegalArgumentException e) {
      throw new ModuleUnusableException("spec.source.oci.ref: " + e.getMessage(), e);
    }
    String where = ref.registry() + "/" + ref.repository() + "@" + digest;
    Optional<byte[]> cached = cache == null ? Optional.empty() : cache.get(digest);
    if (cached.isPresent()) {
      return new FetchedModule(cached.get(), where + " (blob cache)");
    }
    RegistryCredentials credentials = credentials(source, fn.getMetadata().getNamespace(), ref);
    try {
      return new FetchedModule(registry.pullBlob(ref, digest, credentials), where);
    } catch (OciException e) {
      String message = where + ": " + e.getMessage();
      if (e.kind().isTransient()) {
        throw new ModuleUnavailableException(message, e);
      }
      throw new ModuleUnusableException(message, e);
    } catch (IllegalArgumentException e) {
      throw new ModuleUnusableException(where + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    registry.close();
  }

  private RegistryCredentials credentials(OciSource source, String namespace, OciReference ref)
      throws ModuleFetchException {
    if (source.getPullSecretRef() == null || source.getPullSecretRef().getName() == null) {
      return RegistryCredentials.anonymous();
    }
    String where = "pull Secret " + namespace + "/" + source.getPullSecretRef().getName();
    Secret secret;
    try {
      secret = secrets.apply(source.getPullSecretRef().getName());
    } catch (KubernetesClientException e) {
      throw new ModuleUnavailableException("cannot read " + where + ": " + e.getMessage(), e);
    }
    if (secret == null) {
      throw new ModuleUnusableException(where + " does not exist");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    try {
      return RegistryCredentials.fromPullSecretData(data, ref.registry());
    } catch (IllegalArgumentException e) {
      throw new ModuleUnusableException(where + ": " + e.getMessage(), e);
    }
  }
}
