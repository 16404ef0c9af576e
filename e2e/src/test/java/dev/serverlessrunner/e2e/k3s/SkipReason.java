package dev.serverlessrunner.e2e.k3s;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Says on the console why the K3s suite does not run (JUnit puts the reason only in the test
 * report); decides nothing itself: {@code @EnabledIfEnvironmentVariable} and
 * {@code @Testcontainers(disabledWithoutDocker = true)} do.
 */
final class SkipReason implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      if (!"true".equals(System.getenv("E2E_K3S"))) {
        System.out.println(
            "e2e-k3s: SKIPPED "
                + context.getDisplayName()
                + ": E2E_K3S is not true (see e2e/README.md)");
      } else if (!DockerClientFactory.instance().isDockerAvailable()) {
        System.out.println(
            "e2e-k3s: SKIPPED "
                + context.getDisplayName()
                + ": E2E_K3S=true but no Docker engine is reachable");
      }
    }
    return ConditionEvaluationResult.enabled("reported only");
  }
}
