package dev.serverlessrunner.crd.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.crd.function.FunctionLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The limit check the operator and the runner share. */
class FunctionCeilingsTest {

  private static RunnerPool pool(LimitCeilings max) {
    RunnerPool pool = new RunnerPool();
    pool.setSpec(new RunnerPoolSpec());
    if (max != null) {
      PoolFunctionLimits limits = new PoolFunctionLimits();
      limits.setMax(max);
      pool.getSpec().setFunctionLimits(limits);
    }
    return pool;
  }

  @Test
  void poolWithoutCeilingsHasTheCrdDefaults() {
    assertThat(FunctionCeilings.of(pool(null)))
        .isEqualTo(
            new FunctionCeilings(
                128L << 20, 10_000_000_000L, Duration.ofSeconds(60), 4L << 20, 1L << 20));
  }

  @Test
  void fieldsThePoolSetsReplaceTheDefaults() {
    LimitCeilings max = new LimitCeilings();
    max.setMemory("1Gi");
    max.setTimeout("2m30s");

    FunctionCeilings ceilings = FunctionCeilings.of(pool(max));

    assertThat(ceilings.memoryBytes()).isEqualTo(1L << 30);
    assertThat(ceilings.timeout()).isEqualTo(Duration.ofSeconds(150));
    assertThat(ceilings.fuel()).isEqualTo(FunctionCeilings.DEFAULTS.fuel());
  }

  @Test
  void functionWithDefaultLimitsFitsTheDefaultCeilings() {
    assertThat(FunctionCeilings.DEFAULTS.exceededBy((FunctionLimits) null)).isEmpty();
    assertThat(FunctionCeilings.DEFAULTS.exceededBy(new FunctionLimits())).isEmpty();
  }

  @Test
  void everyLimitOverItsCeilingIsNamedWithBothValues() {
    FunctionLimits limits = new FunctionLimits();
    limits.setMemory("256Mi");
    limits.setFuel(20_000_000_000L);
    limits.setTimeout("2m");
    limits.setMaxStdoutBytes(8L << 20);
    limits.setMaxRequestBytes(2L << 20);

    assertThat(FunctionCeilings.DEFAULTS.exceededBy(limits))
        .containsExactly(
            "memory 256Mi > 128Mi",
            "fuel 20000000000 > 10000000000",
            "timeout 120s > 60s",
            "maxStdoutBytes 8388608 > 4194304",
            "maxRequestBytes 2097152 > 1048576");
  }

  @Test
  void limitsEqualToTheCeilingsFit() {
    FunctionLimits limits = new FunctionLimits();
    limits.setMemory("128Mi");
    limits.setTimeout("1m");
    limits.setFuel(10_000_000_000L);

    assertThat(FunctionCeilings.DEFAULTS.exceededBy(limits)).isEmpty();
  }

  @Test
  void quantitiesAndDurationsParseInEveryFormTheCrdAdmits() {
    assertThat(FunctionCeilings.parseBytes("1.5Gi")).isEqualTo(3L << 29);
    assertThat(FunctionCeilings.parseBytes("500M")).isEqualTo(500_000_000L);
    assertThat(FunctionCeilings.parseBytes("1048576")).isEqualTo(1L << 20);
    assertThat(FunctionCeilings.parseDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(FunctionCeilings.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> FunctionCeilings.parseBytes("32MB"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
