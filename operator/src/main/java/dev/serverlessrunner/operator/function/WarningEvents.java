package dev.serverlessrunner.operator.function;

import dev.serverlessrunner.oci.Digests;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.inject.Singleton;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Records Kubernetes Warning events on a resource, shown by kubectl describe. One Event per
 * resource, reason and message: recording it again (a second pass that read the resource before its
 * own status patch reached the cache) refreshes its lastTimestamp instead of adding a duplicate.
 */
@Singleton
public class WarningEvents {
  /** Value of the events' source.component and reportingComponent. */
  public static final String COMPONENT = "serverlessrunner-operator";

  private static final int MAX_NAME = 253;

  /** Creates a Warning event with the given reason and message on the resource. */
  public void warn(KubernetesClient client, HasMetadata resource, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String name = eventName(resource, reason, message);
    try {
      create(client, resource, name, reason, message, now);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // A merge patch needs no read (RBAC grants create and patch only) and cannot conflict.
      client
          .v1()
          .events()
          .inNamespace(resource.getMetadata().getNamespace())
          .withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"lastTimestamp\":\"" + now + "\"}");
    }
  }

  /** {@code <resource name>.<16 hex of the uid, reason and message>}, within 253 characters. */
  static String eventName(HasMetadata resource, String reason, String message) {
    String key = resource.getMetadata().getUid() + "\n" + reason + "\n" + message;
    String hash = Digests.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(7, 23);
    String name = resource.getMetadata().getName();
    // A cut name must still end in an alphanumeric to stay a DNS subdomain.
    String prefix =
        name.substring(0, Math.min(name.length(), MAX_NAME - hash.length() - 1))
            .replaceAll("[-.]+$", "");
    return prefix + "." + hash;
  }

  private static void create(
      KubernetesClient client,
      HasMetadata resource,
      String name,
      String reason,
      String message,
      String now) {
    client
        .v1()
        .events()
        .inNamespace(resource.getMetadata().getNamespace())
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(resource.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(resource.getApiVersion())
                .withKind(resource.getKind())
                .withName(resource.getMetadata().getName())
                .withNamespace(resource.getMetadata().getNamespace())
                .withUid(resource.getMetadata().getUid())
                .withResourceVersion(resource.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .build())
        .create();
  }
}
