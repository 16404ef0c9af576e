package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.CaCertificate;
import dev.serverlessrunner.crd.pool.KeyRef;
import dev.serverlessrunner.crd.pool.Persistence;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;

/**
 * The pool's spec.persistence.caCertificate in the runner pod: the one key mounted read-only as a
 * file (the kubelet reads the Secret or ConfigMap, so the runner's Role needs no right on it) and
 * {@code RUNNER_RECORDING_SSL_ROOT_CERT} naming that file.
 */
final class RunnerShardCa {

  /** Volume holding the CA certificate. */
  static final String VOLUME = "shard-ca";

  /** Directory the volume is mounted at. */
  static final String DIR = "/etc/serverless-runner/shard-ca";

  /** The file the runner reads, whatever the key's name. */
  static final String FILE = "ca.crt";

  /** The key read when a KeyRef names none (the CRD's default). */
  static final String DEFAULT_KEY = "ca.crt";

  private RunnerShardCa() {}

  /** The pool's CA, if it names one. */
  static CaCertificate of(RunnerPool pool) {
    Persistence persistence = pool.getSpec().getPersistence();
    return persistence == null ? null : persistence.getCaCertificate();
  }

  /** The runner's setting naming the mounted CA file, when the pool names a CA. */
  static List<EnvVar> env(RunnerPool pool) {
    return of(pool) == null
        ? List.of()
        : List.of(new EnvVar(RunnerContract.ENV_RECORDING_SSL_ROOT_CERT, DIR + "/" + FILE, null));
  }

  /** Mounts the CA's key into the runner container when the pool names a CA. */
  static void mount(Deployment deployment, RunnerPool pool) {
    CaCertificate ca = of(pool);
    if (ca == null) {
      return;
    }
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    pod.getVolumes().add(volume(ca));
    pod.getContainers()
        .getFirst()
        .getVolumeMounts()
        .add(
            new VolumeMountBuilder()
                .withName(VOLUME)
                .withMountPath(DIR)
                .withReadOnly(true)
                .build());
  }

  private static Volume volume(CaCertificate ca) {
    VolumeBuilder volume = new VolumeBuilder().withName(VOLUME);
    if (ca.getSecretKeyRef() != null) {
      KeyRef ref = ca.getSecretKeyRef();
      return volume
          .withNewSecret()
          .withSecretName(ref.getName())
          .withItems(new KeyToPathBuilder().withKey(key(ref)).withPath(FILE).build())
          .withDefaultMode(0444)
          .endSecret()
          .build();
    }
    KeyRef ref = ca.getConfigMapKeyRef();
    return volume
        .withNewConfigMap()
        .withName(ref.getName())
        .withItems(new KeyToPathBuilder().withKey(key(ref)).withPath(FILE).build())
        .withDefaultMode(0444)
        .endConfigMap()
        .build();
  }

  private static String key(KeyRef ref) {
    return ref.getKey() == null || ref.getKey().isBlank() ? DEFAULT_KEY : ref.getKey();
  }
}
