package dev.serverlessrunner.runner.health;

import dev.serverlessrunner.crd.RunnerContract;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Keeps the condition {@link RunnerContract#POD_CONDITION_SHARDS_AVAILABLE} on this runner's own
 * Pod, so the operator can show a degraded pool without probing every runner. A custom pod
 * condition is what readiness gates use: the kubelet keeps conditions it does not own, and the
 * runner needs only {@code patch} on {@code pods/status}, never on pod specs or labels.
 */
public final class PodShardCondition {

  private final KubernetesClient client;
  private final String namespace;
  private final String pod;
  private final Clock clock;
  private List<String> reported;

  public PodShardCondition(KubernetesClient client, String namespace, String pod, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.pod = pod;
    this.clock = clock;
  }

  /**
   * Writes the condition for {@code unavailable} shards unless that is what was last written;
   * returns whether it wrote. Fails with the client's exception when the API server refuses.
   */
  public synchronized boolean publish(List<String> unavailable) {
    if (unavailable.equals(reported)) {
      return false;
    }
    Pod current = client.pods().inNamespace(namespace).withName(pod).get();
    if (current == null) {
      throw new IllegalStateException("pod " + namespace + "/" + pod + " not found");
    }
    List<PodCondition> conditions =
        current.getStatus() == null ? null : current.getStatus().getConditions();
    PodCondition condition = condition(unavailable);
    String patch;
    if (conditions == null) {
      patch = Serialization.asJson(List.of(op("add", "/status/conditions", List.of(condition))));
    } else {
      int index = indexOf(conditions);
      // JSON patch by index, guarded by a test of the type there: a merge patch would replace the
      // kubelet's conditions, and strategic merge (by type) is not in every API server we test on.
      patch =
          index < 0
              ? Serialization.asJson(List.of(op("add", "/status/conditions/-", condition)))
              : Serialization.asJson(
                  List.of(
                      op(
                          "test",
                          "/status/conditions/" + index + "/type",
                          RunnerContract.POD_CONDITION_SHARDS_AVAILABLE),
                      op("replace", "/status/conditions/" + index, condition)));
    }
    client
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch);
    reported = List.copyOf(unavailable);
    return true;
  }

  private PodCondition condition(List<String> unavailable) {
    boolean available = unavailable.isEmpty();
    return new PodConditionBuilder()
        .withType(RunnerContract.POD_CONDITION_SHARDS_AVAILABLE)
        .withStatus(available ? "True" : "False")
        .withReason(available ? "AllShardsAvailable" : RunnerContract.REASON_SHARDS_UNAVAILABLE)
        .withMessage(
            available
                ? "every recording shard answers"
                : RunnerContract.UNAVAILABLE_SHARDS_PREFIX + String.join(", ", unavailable))
        .withLastTransitionTime(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString())
        .build();
  }

  private static int indexOf(List<PodCondition> conditions) {
    for (int i = 0; i < conditions.size(); i++) {
      if (RunnerContract.POD_CONDITION_SHARDS_AVAILABLE.equals(conditions.get(i).getType())) {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    return Map.of("op", op, "path", path, "value", value);
  }
}
