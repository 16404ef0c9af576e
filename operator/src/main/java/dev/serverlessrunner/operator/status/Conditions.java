package dev.serverlessrunner.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Builds Kubernetes-style conditions whose lastTransitionTime moves only when their status does, so
 * an unchanged world yields an equal status and no write.
 */
public final class Conditions {
  private Conditions() {}

  /** A condition of the given type, keeping the previous transition time if status is the same. */
  public static Condition of(
      List<Condition> previous,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      Instant now) {
    String statusText = status ? "True" : "False";
    String transition =
        find(previous, type)
            .filter(c -> statusText.equals(c.getStatus()) && c.getLastTransitionTime() != null)
            .map(Condition::getLastTransitionTime)
            .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(statusText)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
  }

  /** The condition of the given type, if present. */
  public static java.util.Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return java.util.Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the condition of the given type is present and True. */
  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
