package dev.serverlessrunner.e2e.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The manifests of deploy/, read as the objects an admin would apply. */
public final class Manifests {

  private Manifests() {}

  /**
   * Every object in {@code relative} (a YAML file under the project root, maybe multi-document).
   */
  public static List<HasMetadata> load(KubernetesClient client, String relative) {
    try (InputStream in = Files.newInputStream(ProjectLayout.resolve(relative))) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relative, e);
    }
  }

  /** The only object of {@code type} in {@code relative}. */
  public static <T extends HasMetadata> T single(
      KubernetesClient client, String relative, Class<T> type) {
    try (InputStream in = Files.newInputStream(ProjectLayout.resolve(relative))) {
      return client.resources(type).load(in).item();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relative, e);
    }
  }

  /**
   * {@code secret} as the API server stores it: {@code stringData} merged into base64 {@code data}
   * (the mock server keeps both fields as sent, and a kubelet reads only {@code data}).
   */
  public static Secret asStored(Secret secret) {
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      data.putAll(secret.getData());
    }
    if (secret.getStringData() != null) {
      secret
          .getStringData()
          .forEach(
              (k, v) ->
                  data.put(
                      k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    }
    secret.setData(data);
    secret.setStringData(null);
    return secret;
  }
}
