package dev.serverlessrunner.runner.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner's own Pod carries which shards it cannot reach, beside the kubelet's conditions. */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PodShardConditionTest {

  private static final String NS = "pools";

  KubernetesClient client;
  private PodShardCondition condition;

  @BeforeEach
  void createPod() {
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("web-runner-abc")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("runner")
                .withImage("runner")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
    condition = new PodShardCondition(client, NS, "web-runner-abc", Clock.systemUTC());
  }

  private List<PodCondition> conditions() {
    Pod pod = client.pods().inNamespace(NS).withName("web-runner-abc").get();
    return pod.getStatus().getConditions();
  }

  private PodCondition shards() {
    return conditions().stream()
        .filter(c -> c.getType().equals(RunnerContract.POD_CONDITION_SHARDS_AVAILABLE))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void unreachableShardsAreNamedAndTheKubeletsConditionsKept() {
    assertThat(condition.publish(List.of("shard-1"))).isTrue();

    assertThat(shards().getStatus()).isEqualTo("False");
    assertThat(shards().getReason()).isEqualTo(RunnerContract.REASON_SHARDS_UNAVAILABLE);
    assertThat(shards().getMessage()).isEqualTo("unavailable shards: shard-1");
    assertThat(conditions()).extracting(PodCondition::getType).contains("Ready").hasSize(2);
  }

  @Test
  void recoveryReplacesTheConditionInPlace() {
    condition.publish(List.of("shard-0", "shard-1"));
    condition.publish(List.of());

    assertThat(shards().getStatus()).isEqualTo("True");
    assertThat(conditions()).hasSize(2);
  }

  @Test
  void nothingIsWrittenWhileNothingChanges() {
    assertThat(condition.publish(List.of())).isTrue();
    assertThat(condition.publish(List.of())).isFalse();
  }
}
