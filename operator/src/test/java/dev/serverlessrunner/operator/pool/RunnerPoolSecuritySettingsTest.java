package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.CaCertificate;
import dev.serverlessrunner.crd.pool.KeyRef;
import dev.serverlessrunner.crd.pool.Persistence;
import dev.serverlessrunner.crd.pool.ResponseHeaders;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.Shard;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestPools;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pool's response-header lists and shard CA reach the runner pod as RunnerContract variables
 * and a read-only volume, and need no RBAC.
 */
class RunnerPoolSecuritySettingsTest {
  private final RunnerDeploymentDependent dependent =
      new RunnerDeploymentDependent(TestConfig.defaults());

  private static Container runner(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> env(Deployment deployment) {
    return runner(deployment).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static RunnerPool withCa(CaCertificate ca) {
    RunnerPool pool = TestPools.fixed("team-a", "web", 1);
    Persistence persistence = new Persistence();
    persistence.setShards(List.of(new Shard("shard-0")));
    persistence.setCaCertificate(ca);
    pool.getSpec().setPersistence(persistence);
    return pool;
  }

  private static Volume volume(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static VolumeMount mount(Deployment deployment, String name) {
    return runner(deployment).getVolumeMounts().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void responseHeaderListsReachTheRunnerEnvironment() {
    RunnerPool pool = TestPools.fixed("team-a", "web", 1);
    ResponseHeaders headers = new ResponseHeaders();
    headers.setDeny(List.of("Access-Control-Allow-*", "X-Tenant-Debug"));
    headers.setAllow(List.of("Set-Cookie"));
    pool.getSpec().setResponseHeaders(headers);

    Map<String, String> env = env(dependent.desired(pool, null));

    assertThat(env)
        .containsEntry(RunnerContract.ENV_CGI_DENY_HEADERS, "Access-Control-Allow-*,X-Tenant-Debug")
        .containsEntry(RunnerContract.ENV_CGI_ALLOW_HEADERS, "Set-Cookie");
  }

  @Test
  void withoutResponseHeadersTheRunnerKeepsItsDefaultDenyList() {
    Map<String, String> env = env(dependent.desired(TestPools.fixed("team-a", "web", 1), null));

    assertThat(env)
        .doesNotContainKeys(
            RunnerContract.ENV_CGI_DENY_HEADERS,
            RunnerContract.ENV_CGI_ALLOW_HEADERS,
            RunnerContract.ENV_RECORDING_SSL_ROOT_CERT);
  }

  @Test
  void aSecretCaIsMountedReadOnlyAndNamedAsTheShardsRootCert() {
    CaCertificate ca = new CaCertificate();
    ca.setSecretKeyRef(new KeyRef("shards-ca", "root.pem"));

    Deployment deployment = dependent.desired(withCa(ca), null);

    Volume volume = volume(deployment, RunnerShardCa.VOLUME);
    assertThat(volume.getSecret().getSecretName()).isEqualTo("shards-ca");
    assertThat(volume.getSecret().getItems())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.getKey()).isEqualTo("root.pem");
              assertThat(item.getPath()).isEqualTo("ca.crt");
            });
    VolumeMount mount = mount(deployment, RunnerShardCa.VOLUME);
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(mount.getMountPath()).isEqualTo("/etc/serverless-runner/shard-ca");
    assertThat(env(deployment))
        .containsEntry(
            RunnerContract.ENV_RECORDING_SSL_ROOT_CERT, "/etc/serverless-runner/shard-ca/ca.crt");
  }

  @Test
  void aConfigMapCaWithoutAKeyUsesCaCrt() {
    CaCertificate ca = new CaCertificate();
    ca.setConfigMapKeyRef(new KeyRef("shards-ca", null));

    Deployment deployment = dependent.desired(withCa(ca), null);

    Volume volume = volume(deployment, RunnerShardCa.VOLUME);
    assertThat(volume.getConfigMap().getName()).isEqualTo("shards-ca");
    assertThat(volume.getConfigMap().getItems().getFirst().getKey()).isEqualTo("ca.crt");
    assertThat(mount(deployment, RunnerShardCa.VOLUME).getReadOnly()).isTrue();
  }

  @Test
  void theCaNeedsNoRightInTheRunnerRole() {
    CaCertificate ca = new CaCertificate();
    ca.setSecretKeyRef(new KeyRef("shards-ca", "ca.crt"));

    assertThat(RunnerRoleDependent.desired(withCa(ca), List.of()).getRules())
        .allSatisfy(rule -> assertThat(rule.getResourceNames()).doesNotContain("shards-ca"));
  }
}
