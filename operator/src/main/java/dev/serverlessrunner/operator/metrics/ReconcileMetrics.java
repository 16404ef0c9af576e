package dev.serverlessrunner.operator.metrics;

import dev.serverlessrunner.operator.function.WasmFunctionReconciler;
import dev.serverlessrunner.operator.pool.RunnerPoolReconciler;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The Java Operator SDK's reconcile metrics (reconciliations started, succeeded, failed, retried,
 * running and queued, and their duration, per controller) on the operator's {@code /q/metrics}. The
 * operator SDK extension offers them too, but its default bean hands the SDK its metrics before the
 * Prometheus registry has bound them, so the SDK kept its no-op metrics and none were exported;
 * taking the registry here makes the order explicit. Per-resource and namespace tags stay off:
 * their series would grow with every pool and function.
 */
@Singleton
public class ReconcileMetrics {

  /** The SDK's counter of failed reconciliations (its Prometheus name ends in _total). */
  static final String FAILURES = "reconciliations.failure.total";

  /** The SDK's tag naming the controller. */
  static final String CONTROLLER = "controller.name";

  @Produces
  @Singleton
  Metrics reconcileMetrics(MeterRegistry registry) {
    // The SDK registers its failure counter at the first failure; registered at 0 here, the
    // series exists from the start, so rate() and alerts on it see a healthy operator as 0.
    for (String controller : List.of(RunnerPoolReconciler.NAME, WasmFunctionReconciler.NAME)) {
      registry.counter(FAILURES, CONTROLLER, controller);
    }
    return MicrometerMetricsV2.newBuilder(registry).build();
  }
}
