package dev.serverlessrunner.e2e.local;

import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.crd.pool.RunnerPoolStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;

/** Reads Kubernetes-style conditions from our resources' statuses. */
public final class Conditions {

  private Conditions() {}

  /** The condition {@code type} of a pool or function status, if present. */
  public static Optional<Condition> find(Object status, String type) {
    List<Condition> conditions =
        switch (status) {
          case null -> List.of();
          case RunnerPoolStatus pool -> pool.getConditions();
          case WasmFunctionStatus function -> function.getConditions();
          default -> throw new IllegalArgumentException("no conditions in " + status);
        };
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether condition {@code type} is present with status True. */
  public static boolean isTrue(Object status, String type) {
    return find(status, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }
}
