package dev.serverlessrunner.operator.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.RunnerPoolStatus;
import dev.serverlessrunner.operator.TestFunctions;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FunctionStatusAggregatorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T10:05:00Z");
  private static final SourceResolution RESOLVED =
      new SourceResolution.Resolved("sha256:aa", 8L, "ConfigMap ns/mod key module.wasm");
  private static final SourceResolution MISSING =
      new SourceResolution.Invalid("ConfigMapNotFound", "ConfigMap ns/mod does not exist");

  private final WasmFunction fn = TestFunctions.fromConfigMap("ns", "fn", "pool", "mod");

  private static Optional<RunnerPool> pool(int readyReplicas) {
    RunnerPool pool = TestPools.fixed("ns", "pool", 2);
    RunnerPoolStatus status = new RunnerPoolStatus();
    status.setReadyReplicas(readyReplicas);
    pool.setStatus(status);
    return Optional.of(pool);
  }

  private static Condition condition(WasmFunctionStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }

  @Test
  void resolvedSourceAndExistingPoolIsReady() {
    WasmFunctionStatus status = FunctionStatusAggregator.aggregate(fn, RESOLVED, pool(2), T0);

    assertThat(condition(status, "SourceResolved").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(status.getDigest()).isEqualTo("sha256:aa");
    assertThat(status.getSizeBytes()).isEqualTo(8L);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void limitsOverThePoolsCeilingAreNotReadyAndNameEachLimit() {
    WasmFunctionStatus status =
        FunctionStatusAggregator.aggregate(
            fn, RESOLVED, pool(2), List.of("memory 256Mi > 128Mi", "fuel 2 > 1"), T0);

    Condition ready = condition(status, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(FunctionStatusAggregator.LIMITS_EXCEED_POOL);
    assertThat(ready.getMessage())
        .contains("RunnerPool pool", "memory 256Mi > 128Mi, fuel 2 > 1", "refuse to serve");
    assertThat(condition(status, "SourceResolved").getStatus()).isEqualTo("True");
  }

  @Test
  void unresolvedSourceIsReportedBeforeLimitsOverThePool() {
    WasmFunctionStatus status =
        FunctionStatusAggregator.aggregate(
            fn, MISSING, pool(2), List.of("memory 256Mi > 128Mi"), T0);

    assertThat(condition(status, "Ready").getReason())
        .isEqualTo(FunctionStatusAggregator.SOURCE_NOT_RESOLVED);
  }

  @Test
  void missingPoolIsNotReadyAndNamesThePool() {
    WasmFunctionStatus status =
        FunctionStatusAggregator.aggregate(fn, RESOLVED, Optional.empty(), T0);

    Condition ready = condition(status, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(FunctionStatusAggregator.POOL_NOT_FOUND);
    assertThat(ready.getMessage()).contains("ns/pool");
    assertThat(status.getReadyReplicas()).isZero();
  }

  @Test
  void unresolvedSourceCarriesTheResolverReasonAndBlocksReady() {
    WasmFunctionStatus status = FunctionStatusAggregator.aggregate(fn, MISSING, pool(1), T0);

    assertThat(condition(status, "SourceResolved").getReason()).isEqualTo("ConfigMapNotFound");
    assertThat(condition(status, "Ready").getReason())
        .isEqualTo(FunctionStatusAggregator.SOURCE_NOT_RESOLVED);
  }

  @Test
  void failedResolutionKeepsTheLastGoodDigest() {
    fn.setStatus(FunctionStatusAggregator.aggregate(fn, RESOLVED, pool(1), T0));

    WasmFunctionStatus status = FunctionStatusAggregator.aggregate(fn, MISSING, pool(1), T1);

    assertThat(status.getDigest()).isEqualTo("sha256:aa");
  }

  @Test
  void unchangedInputsGiveAnEqualStatusLater() {
    fn.setStatus(FunctionStatusAggregator.aggregate(fn, RESOLVED, pool(1), T0));

    assertThat(FunctionStatusAggregator.aggregate(fn, RESOLVED, pool(1), T1))
        .isEqualTo(fn.getStatus());
  }

  @Test
  void transitionTimeMovesWhenReadinessFlips() {
    fn.setStatus(FunctionStatusAggregator.aggregate(fn, RESOLVED, Optional.empty(), T0));

    WasmFunctionStatus status = FunctionStatusAggregator.aggregate(fn, RESOLVED, pool(1), T1);

    assertThat(condition(status, "Ready").getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(condition(status, "SourceResolved").getLastTransitionTime())
        .isEqualTo(T0.toString());
  }
}
