package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.config.OperatorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerImagesTest {
  private static final String DEFAULT_IMAGE = "ghcr.io/serverlessrunner/runner:0.1.0";

  private static RunnerPool withImage(String image) {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    pool.getSpec().setImage(image);
    return pool;
  }

  @Test
  void poolWithoutAnImageGetsTheOperatorsRunnerImage() {
    RunnerPool pool = withImage(null);

    assertThat(RunnerImages.image(pool, TestConfig.defaults())).isEqualTo(DEFAULT_IMAGE);
    assertThat(RunnerImages.refusal(pool, TestConfig.defaults())).isEmpty();
  }

  @Test
  void byDefaultOnlyTheOperatorsRunnerImageIsAllowed() {
    assertThat(RunnerImages.refusal(withImage(DEFAULT_IMAGE), TestConfig.defaults())).isEmpty();
    assertThat(
            RunnerImages.refusal(
                withImage("ghcr.io/serverlessrunner/runner:0.2.0"), TestConfig.defaults()))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("ghcr.io/serverlessrunner/runner:0.2.0")
                    .contains("allowed-images"));
  }

  @Test
  void entriesAreExactReferencesOrPrefixesEndingInAStar() {
    OperatorConfig config =
        TestConfig.with(
            Map.of(
                "serverlessrunner.operator.runner.allowed-images",
                "registry.example.com/runner:*,mirror.example.com/runner@sha256:abc"));

    assertThat(RunnerImages.refusal(withImage("registry.example.com/runner:1.2"), config))
        .isEmpty();
    assertThat(RunnerImages.refusal(withImage("mirror.example.com/runner@sha256:abc"), config))
        .isEmpty();
    assertThat(RunnerImages.refusal(withImage(DEFAULT_IMAGE), config)).isEmpty();
    assertThat(RunnerImages.refusal(withImage("mirror.example.com/runner@sha256:abd"), config))
        .isPresent();
    assertThat(RunnerImages.refusal(withImage("registry.example.com/runner-evil:1"), config))
        .isPresent();
  }
}
