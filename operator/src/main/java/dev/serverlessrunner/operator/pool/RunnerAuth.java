package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.AuthMode;
import dev.serverlessrunner.crd.pool.JwtAuth;
import dev.serverlessrunner.crd.pool.PoolAuth;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;

/**
 * The pool's {@code spec.auth} as the runner reads it: {@code RUNNER_AUTH_*} variables and, for API
 * keys, the key-hash Secret mounted read-only as a directory (the kubelet reads it, so the runner's
 * Role needs no right on it, and a rotated Secret reaches running pods).
 */
final class RunnerAuth {

  /** Volume holding spec.auth.apiKeysSecretRef. */
  static final String API_KEYS_VOLUME = "api-keys";

  /** Where the API key hashes are mounted in the runner container. */
  static final String API_KEYS_PATH = "/etc/serverless-runner/api-keys";

  private RunnerAuth() {}

  /** The runner's auth settings; mode {@code none} when the pool has no spec.auth. */
  static List<EnvVar> env(RunnerPool pool) {
    PoolAuth auth = pool.getSpec().getAuth();
    AuthMode mode = auth == null || auth.getMode() == null ? AuthMode.NONE : auth.getMode();
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar(RunnerContract.ENV_AUTH_MODE, mode.wireName(), null));
    if (mode == AuthMode.API_KEY) {
      env.add(new EnvVar(RunnerContract.ENV_AUTH_API_KEYS_DIR, API_KEYS_PATH, null));
    }
    JwtAuth jwt = auth == null ? null : auth.getJwt();
    if (mode == AuthMode.JWT && jwt != null) {
      add(env, RunnerContract.ENV_AUTH_JWT_ISSUER, jwt.getIssuer());
      add(env, RunnerContract.ENV_AUTH_JWT_JWKS_URL, jwt.getJwksUrl());
      if (jwt.getAudience() != null && !jwt.getAudience().isEmpty()) {
        add(env, RunnerContract.ENV_AUTH_JWT_AUDIENCE, String.join(",", jwt.getAudience()));
      }
      add(env, RunnerContract.ENV_AUTH_JWT_ROLES_CLAIM, jwt.getRolesClaim());
    }
    return env;
  }

  /** Mounts the API key Secret into the runner container when the pool uses API keys. */
  static void mount(Deployment deployment, RunnerPool pool) {
    PoolAuth auth = pool.getSpec().getAuth();
    if (auth == null || auth.getMode() != AuthMode.API_KEY || auth.getApiKeysSecretRef() == null) {
      return;
    }
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    pod.getVolumes()
        .add(
            new VolumeBuilder()
                .withName(API_KEYS_VOLUME)
                .withNewSecret()
                .withSecretName(auth.getApiKeysSecretRef().getName())
                .withDefaultMode(0444)
                .endSecret()
                .build());
    pod.getContainers()
        .getFirst()
        .getVolumeMounts()
        .add(
            new VolumeMountBuilder()
                .withName(API_KEYS_VOLUME)
                .withMountPath(API_KEYS_PATH)
                .withReadOnly(true)
                .build());
  }

  private static void add(List<EnvVar> env, String name, String value) {
    if (value != null && !value.isBlank()) {
      env.add(new EnvVar(name, value, null));
    }
  }
}
