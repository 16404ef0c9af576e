package dev.serverlessrunner.e2e.local;

import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.PushResult;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import dev.serverlessrunner.oci.RegistryCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Publishing guests to the platform's registry as a function author would ({@code bin/wasm-push}
 * uses the same client), and the pull Secret the OCI sample names.
 */
public final class OciModules {

  /** The pull Secret the OCI sample refers to. */
  public static final String PULL_SECRET = "registry-credentials";

  private OciModules() {}

  /** Pushes guest {@code guest} to {@code repositoryAndTag} (e.g. {@code fn/fib:v1}). */
  public static PushResult push(LocalPlatform platform, String repositoryAndTag, String guest) {
    try (RegistryClient client = new RegistryClient(RegistryClientOptions.defaults())) {
      return client.pushWasm(
          platform.registry().reference(repositoryAndTag),
          Guests.bytes(guest),
          RegistryCredentials.anonymous());
    }
  }

  /** Creates the sample's pull Secret (a dockerconfigjson login; the test registry is open). */
  public static void createPullSecret(LocalPlatform platform) {
    if (platform.client().secrets().inNamespace(LocalPlatform.NAMESPACE).withName(PULL_SECRET).get()
        != null) {
      return;
    }
    String auth =
        Base64.getEncoder().encodeToString("e2e:e2e-password".getBytes(StandardCharsets.UTF_8));
    String config =
        "{\"auths\":{\"" + platform.registry().registry() + "\":{\"auth\":\"" + auth + "\"}}}";
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(PULL_SECRET)
            .withNamespace(LocalPlatform.NAMESPACE)
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .addToData(
                ".dockerconfigjson",
                Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)))
            .build();
    platform.client().secrets().resource(secret).create();
  }
}
