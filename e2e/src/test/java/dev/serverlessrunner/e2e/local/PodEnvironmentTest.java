package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodEnvironmentTest {

  private static final Secret SHARD =
      new SecretBuilder()
          .withNewMetadata()
          .withName("pg-shard-0")
          .endMetadata()
          .addToData(
              "url",
              Base64.getEncoder()
                  .encodeToString("postgresql://u@h/db".getBytes(StandardCharsets.UTF_8)))
          .build();

  private static final PodEnvironment.Pod POD =
      new PodEnvironment.Pod(
          "e2e", "runner-0", name -> name.equals("pg-shard-0") ? SHARD : null, name -> null);

  @Test
  void expandsReferencesToEarlierVariables() {
    assertThat(PodEnvironment.expand("$(A),$(B)", Map.of("A", "1", "B", "2"))).isEqualTo("1,2");
  }

  @Test
  void leavesUnknownReferencesAndEscapesAsKubernetesDoes() {
    assertThat(PodEnvironment.expand("$(MISSING) $$(A) $x $", Map.of("A", "1")))
        .isEqualTo("$(MISSING) $(A) $x $");
  }

  @Test
  void resolvesSecretKeysFieldRefsAndExpansionInOrder() {
    List<EnvVar> env =
        List.of(
            new EnvVarBuilder()
                .withName("NS")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.namespace")
                .endFieldRef()
                .endValueFrom()
                .build(),
            new EnvVarBuilder()
                .withName("SHARD")
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName("pg-shard-0")
                .withKey("url")
                .endSecretKeyRef()
                .endValueFrom()
                .build(),
            new EnvVar("SHARDS", "$(SHARD),$(LATER)", null),
            new EnvVar("LATER", "x", null));

    assertThat(PodEnvironment.resolve(env, POD))
        .containsExactly(
            Map.entry("NS", "e2e"),
            Map.entry("SHARD", "postgresql://u@h/db"),
            Map.entry("SHARDS", "postgresql://u@h/db,$(LATER)"),
            Map.entry("LATER", "x"));
  }

  @Test
  void missingSecretKeyKeepsTheContainerFromStarting() {
    EnvVar missing =
        new EnvVarBuilder()
            .withName("SHARD")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName("absent")
            .withKey("url")
            .endSecretKeyRef()
            .endValueFrom()
            .build();

    assertThatThrownBy(() -> PodEnvironment.resolve(List.of(missing), POD))
        .isInstanceOf(PodEnvironment.UnresolvableException.class)
        .hasMessageContaining("absent");
  }
}
