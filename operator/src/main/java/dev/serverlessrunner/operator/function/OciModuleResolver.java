package dev.serverlessrunner.operator.function;

import dev.serverlessrunner.crd.function.ConfigMapModules;
import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.oci.OciException;
import dev.serverlessrunner.oci.OciReference;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import dev.serverlessrunner.oci.RegistryCredentials;
import dev.serverlessrunner.oci.ResolvedWasm;
import dev.serverlessrunner.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Resolves an OCI source to the digest and size of its Wasm module from the manifest (the layer
 * digest is the sha256 of the module bytes, so runners fetch the blob by it directly), with the
 * credentials of the pull Secret when one is named. The module itself is pulled once per digest, to
 * check that runners will load it.
 */
@Singleton
public class OciModuleResolver {
  /** Reason: spec.source.oci.ref or digest is malformed. */
  public static final String INVALID_REFERENCE = "InvalidReference";

  /** Reason: the named pull Secret does not exist. */
  public static final String PULL_SECRET_NOT_FOUND = "PullSecretNotFound";

  /** Reason: the pull Secret has no Docker config or an unreadable one. */
  public static final String PULL_SECRET_INVALID = "PullSecretInvalid";

  /** Reason: the tag, digest or repository does not exist. */
  public static final String MANIFEST_NOT_FOUND = "ManifestNotFound";

  /** Reason: credentials are missing or refused. */
  public static final String REGISTRY_UNAUTHORIZED = "RegistryUnauthorized";

  /** Reason: the artifact is not a single-layer Wasm module. */
  public static final String NOT_WASM_ARTIFACT = "NotWasmArtifact";

  /** Reason: content does not hash to the digest that names it. */
  public static final String DIGEST_MISMATCH = "DigestMismatch";

  /** Reason: the registry answered outside the distribution spec, or TLS failed. */
  public static final String REGISTRY_PROTOCOL_ERROR = "RegistryProtocolError";

  /** Reason: the registry cannot be reached or is unavailable for now. */
  public static final String REGISTRY_UNAVAILABLE = "RegistryUnavailable";

  private final RegistryClient registry;

  @Inject
  public OciModuleResolver(OperatorConfig config) {
    this(new RegistryClient(options(config.sources())));
  }

  OciModuleResolver(RegistryClient registry) {
    this.registry = registry;
  }

  /**
   * The client options of the operator's settings. Loopback registries stay plain HTTP as in the
   * runner, so operator and runners agree on how to reach every registry.
   */
  static RegistryClientOptions options(OperatorConfig.Sources sources) {
    Set<String> plainHttp = new HashSet<>(RegistryClientOptions.DEFAULT_PLAIN_HTTP_HOSTS);
    plainHttp.addAll(sources.insecureRegistries().orElse(List.of()));
    return RegistryClientOptions.builder()
        .connectTimeout(sources.registryTimeout())
        .requestTimeout(sources.registryTimeout())
        .maxBlobBytes(sources.maxModuleBytes())
        .plainHttpHosts(plainHttp)
        .build();
  }

  /**
   * Resolves the source and checks its module with {@code check}; reads the pull Secret through the
   * client when one is named.
   */
  public SourceResolution resolve(
      OciSource source,
      String namespace,
      KubernetesClient client,
      RunnerModuleCheck.PoolCheck check) {
    return resolve(
        source,
        namespace,
        name -> client.secrets().inNamespace(namespace).withName(name).get(),
        check);
  }

  /**
   * Resolves the source; {@code secrets} gives the Secret of a name in {@code namespace}, or null.
   */
  SourceResolution resolve(
      OciSource source,
      String namespace,
      Function<String, Secret> secrets,
      RunnerModuleCheck.PoolCheck check) {
    OciReference ref;
    try {
      ref = reference(source);
    } catch (IllegalArgumentException e) {
      return new SourceResolution.Invalid(INVALID_REFERENCE, "spec.source.oci: " + e.getMessage());
    }
    RegistryCredentials credentials;
    try {
      credentials = credentials(source, namespace, ref, secrets);
    } catch (InvalidPullSecretException e) {
      return new SourceResolution.Invalid(e.reason, e.getMessage());
    }
    try {
      ResolvedWasm wasm = registry.resolveWasm(ref, credentials);
      return check.check(
          new SourceResolution.Resolved(
              wasm.moduleDigest(),
              wasm.moduleSize(),
              source.getRef() + " (manifest " + wasm.manifestDigest() + ")"),
          () -> registry.pullBlob(ref, wasm.moduleDigest(), credentials));
    } catch (OciException e) {
      String reason = reason(e.kind());
      return e.kind().isTransient()
          ? new SourceResolution.Unavailable(reason, e.getMessage())
          : new SourceResolution.Invalid(reason, e.getMessage());
    }
  }

  /** The condition reason of a registry failure. */
  static String reason(OciException.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> MANIFEST_NOT_FOUND;
      case UNAUTHORIZED -> REGISTRY_UNAUTHORIZED;
      case UNSUPPORTED_ARTIFACT -> NOT_WASM_ARTIFACT;
      case DIGEST_MISMATCH -> DIGEST_MISMATCH;
      case TOO_LARGE -> ConfigMapModules.MODULE_TOO_LARGE;
      case PROTOCOL -> REGISTRY_PROTOCOL_ERROR;
      case UNREACHABLE -> REGISTRY_UNAVAILABLE;
    };
  }

  @PreDestroy
  void close() {
    registry.close();
  }

  private static OciReference reference(OciSource source) {
    OciReference ref = OciReference.parse(source.getRef());
    return source.getDigest() == null
        ? ref
        : new OciReference(ref.registry(), ref.repository(), ref.tag(), source.getDigest());
  }

  private static RegistryCredentials credentials(
      OciSource source, String namespace, OciReference ref, Function<String, Secret> secrets)
      throws InvalidPullSecretException {
    if (source.getPullSecretRef() == null || source.getPullSecretRef().getName() == null) {
      return RegistryCredentials.anonymous();
    }
    String where = "pull Secret " + namespace + "/" + source.getPullSecretRef().getName();
    Secret secret = secrets.apply(source.getPullSecretRef().getName());
    if (secret == null) {
      throw new InvalidPullSecretException(PULL_SECRET_NOT_FOUND, where + " does not exist");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    try {
      return RegistryCredentials.fromPullSecretData(data, ref.registry());
    } catch (IllegalArgumentException e) {
      throw new InvalidPullSecretException(PULL_SECRET_INVALID, where + ": " + e.getMessage());
    }
  }

  /** The pull Secret is missing or unusable; the user must fix it. */
  private static final class InvalidPullSecretException extends Exception {
    private final String reason;

    InvalidPullSecretException(String reason, String message) {
      super(message);
      this.reason = reason;
    }
  }
}
