package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.pool.AuthMode;
import dev.serverlessrunner.crd.pool.JwtAuth;
import dev.serverlessrunner.crd.pool.PoolAuth;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestPools;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pool's spec.auth reaches its runner pods as RUNNER_AUTH_* and a mounted key Secret. */
class RunnerAuthTest {

  private static Deployment desired(RunnerPool pool) {
    return new RunnerDeploymentDependent(TestConfig.defaults()).desired(pool, null);
  }

  private static Container runner(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  private static Map<String, String> env(Deployment d) {
    return runner(d).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void aPoolWithoutAuthRunsInModeNone() {
    Deployment d = desired(TestPools.fixed("ns", "p", 1));

    assertThat(env(d)).containsEntry("RUNNER_AUTH_MODE", "none");
    assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
        .noneMatch(v -> v.getName().equals(RunnerAuth.API_KEYS_VOLUME));
  }

  @Test
  void apiKeysAreMountedReadOnlyFromTheirSecret() {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    PoolAuth auth = new PoolAuth();
    auth.setMode(AuthMode.API_KEY);
    auth.setApiKeysSecretRef(new LocalObjectReference("p-api-keys"));
    pool.getSpec().setAuth(auth);

    Deployment d = desired(pool);

    assertThat(env(d))
        .containsEntry("RUNNER_AUTH_MODE", "api-key")
        .containsEntry("RUNNER_AUTH_API_KEYS_DIR", "/etc/serverless-runner/api-keys");
    assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("api-keys"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("p-api-keys"));
    assertThat(runner(d).getVolumeMounts())
        .filteredOn(m -> m.getName().equals("api-keys"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/etc/serverless-runner/api-keys");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void jwtSettingsTravelAsEnvironment() {
    RunnerPool pool = TestPools.fixed("ns", "p", 1);
    PoolAuth auth = new PoolAuth();
    auth.setMode(AuthMode.JWT);
    JwtAuth jwt = new JwtAuth();
    jwt.setIssuer("https://id.example.com/realms/fn");
    jwt.setJwksUrl("https://id.example.com/realms/fn/certs");
    jwt.setAudience(List.of("runner", "api"));
    auth.setJwt(jwt);
    pool.getSpec().setAuth(auth);

    assertThat(env(desired(pool)))
        .containsEntry("RUNNER_AUTH_MODE", "jwt")
        .containsEntry("RUNNER_AUTH_JWT_ISSUER", "https://id.example.com/realms/fn")
        .containsEntry("RUNNER_AUTH_JWT_JWKS_URL", "https://id.example.com/realms/fn/certs")
        .containsEntry("RUNNER_AUTH_JWT_AUDIENCE", "runner,api")
        .doesNotContainKey("RUNNER_AUTH_API_KEYS_DIR");
  }
}
