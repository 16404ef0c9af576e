package dev.serverlessrunner.operator.function;

import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.operator.config.OperatorConfig;
import dev.serverlessrunner.operator.function.oci.OciReference;
import dev.serverlessrunner.operator.function.oci.RegistryClient;
import dev.serverlessrunner.operator.function.oci.RegistryCredentials;
import dev.serverlessrunner.operator.function.oci.RegistryException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves an OCI source to the digest of its Wasm layer (the sha256 of the module bytes, so
 * runners can fetch the blob directly), reading the pull Secret when one is named.
 */
@Singleton
public class OciModuleResolver {
  /** Secret key of a kubernetes.io/dockerconfigjson Secret. */
  static final String DOCKER_CONFIG_JSON = ".dockerconfigjson";

  private final RegistryClient registry;
  private final long maxModuleBytes;

  @Inject
  public OciModuleResolver(OperatorConfig config) {
    this(
        new RegistryClient(
            config.sources().registryTimeout(),
            Set.copyOf(config.sources().insecureRegistries().orElse(List.of()))),
        config.sources().maxModuleBytes());
  }

  OciModuleResolver(RegistryClient registry, long maxModuleBytes) {
    this.registry = registry;
    this.maxModuleBytes = maxModuleBytes;
  }

  /** Resolves the source; reads the pull Secret through the client when one is named. */
  public SourceResolution resolve(OciSource source, String namespace, KubernetesClient client) {
    OciReference ref;
    try {
      ref = OciReference.parse(source.getRef());
    } catch (IllegalArgumentException e) {
      return new SourceResolution.Invalid(
          "InvalidReference", "spec.source.oci.ref: " + e.getMessage());
    }
    if (source.getDigest() != null) {
      ref = new OciReference(ref.registry(), ref.repository(), ref.tag(), source.getDigest());
    }
    Optional<RegistryCredentials> credentials;
    try {
      credentials = credentials(source, namespace, ref.registry(), client);
    } catch (RegistryException e) {
      return new SourceResolution.Invalid(e.reason(), e.getMessage());
    }
    try {
      RegistryClient.WasmManifest manifest = registry.resolve(ref, credentials);
      if (manifest.layerSize() > maxModuleBytes) {
        return new SourceResolution.Invalid(
            ConfigMapModuleResolver.MODULE_TOO_LARGE,
            "the Wasm layer of "
                + source.getRef()
                + " has "
                + manifest.layerSize()
                + " bytes, more than the limit of "
                + maxModuleBytes);
      }
      return new SourceResolution.Resolved(
          manifest.layerDigest(),
          manifest.layerSize(),
          source.getRef() + " (manifest " + manifest.manifestDigest() + ")");
    } catch (RegistryException e) {
      return e.isUserError()
          ? new SourceResolution.Invalid(e.reason(), e.getMessage())
          : new SourceResolution.Unavailable(e.reason(), e.getMessage());
    }
  }

  private static Optional<RegistryCredentials> credentials(
      OciSource source, String namespace, String registryHost, KubernetesClient client)
      throws RegistryException {
    if (source.getPullSecretRef() == null) {
      return Optional.empty();
    }
    String name = source.getPullSecretRef().getName();
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new RegistryException(
          "PullSecretNotFound", "pull Secret " + namespace + "/" + name + " does not exist", true);
    }
    String encoded = secret.getData() == null ? null : secret.getData().get(DOCKER_CONFIG_JSON);
    if (encoded == null) {
      throw new RegistryException(
          "PullSecretInvalid",
          "pull Secret "
              + name
              + " has no "
              + DOCKER_CONFIG_JSON
              + " key (type kubernetes.io/dockerconfigjson expected)",
          true);
    }
    try {
      return RegistryCredentials.fromDockerConfigJson(
          new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8), registryHost);
    } catch (IOException | IllegalArgumentException e) {
      throw new RegistryException(
          "PullSecretInvalid", "pull Secret " + name + " does not hold valid JSON", true);
    }
  }
}
