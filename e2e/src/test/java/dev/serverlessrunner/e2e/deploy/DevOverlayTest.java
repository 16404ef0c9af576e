package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.runner.recording.RecorderConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.net.URI;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The development overlay is coherent before anything is applied: the module it ships is the guest,
 * the pool autoscales 2-32 on both shards, and each shard URL reaches a shard Service with the
 * credentials the shard is initialised with.
 */
class DevOverlayTest {

  /** PostgreSQL's default superuser_reserved_connections, not available to the runners. */
  private static final int RESERVED_CONNECTIONS = 3;

  static Stream<Secret> shardSecrets() {
    // The shard Secrets: those the pool's spec.persistence names (not its API key hashes).
    List<String> shards =
        pool().getSpec().getPersistence().getShards().stream()
            .map(s -> s.getSecretRef().getName())
            .toList();
    return DevOverlay.secrets().stream().filter(s -> shards.contains(s.getMetadata().getName()));
  }

  private static RunnerPool pool() {
    List<RunnerPool> pools = DevOverlay.all("RunnerPool", RunnerPool.class);
    assertThat(pools).hasSize(1);
    return pools.get(0);
  }

  private static List<WasmFunction> functions() {
    return DevOverlay.all("WasmFunction", WasmFunction.class);
  }

  private static URI url(Secret secret) {
    return URI.create(secret.getStringData().get("url"));
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getName()));
  }

  /** The StatefulSet whose pods the Service selects. */
  private static StatefulSet shardBehind(Service service) {
    List<StatefulSet> selected =
        DevOverlay.statefulSets().stream()
            .filter(
                s ->
                    s.getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels()
                        .entrySet()
                        .containsAll(service.getSpec().getSelector().entrySet()))
            .toList();
    assertThat(selected)
        .as("StatefulSets behind Service %s", service.getMetadata().getName())
        .hasSize(1);
    return selected.get(0);
  }

  @Test
  void greeterModuleIsACopyOfTheGuest() {
    byte[] copy = ProjectFiles.bytes(DevOverlay.DIR.resolve("greeter.wasm"));

    assertThat(copy)
        .as(
            "deploy/overlays/dev/workloads/greeter.wasm differs from guests/wasm/greeter.wasm: "
                + "cp guests/wasm/greeter.wasm deploy/overlays/dev/workloads/")
        .isEqualTo(Guests.bytes("greeter"));
  }

  @Test
  void poolAutoscalesFromTwoToThirtyTwoRunners() {
    var autoscaling = pool().getSpec().getAutoscaling();

    assertThat(autoscaling.getMinReplicas()).isEqualTo(2);
    assertThat(autoscaling.getMaxReplicas()).isEqualTo(32);
    assertThat(pool().getSpec().getReplicas()).isNull();
  }

  @Test
  void poolRecordsIntoBothShardsInOrder() {
    assertThat(pool().getSpec().getPersistence().getShards())
        .extracting(s -> s.getSecretRef().getName())
        .containsExactly("pg-shard-0", "pg-shard-1");
  }

  @Test
  void oneFunctionComesFromAConfigMapAndOneFromOci() {
    assertThat(functions())
        .filteredOn(f -> f.getSpec().getSource().getConfigMap() != null)
        .hasSize(1);
    assertThat(functions()).filteredOn(f -> f.getSpec().getSource().getOci() != null).hasSize(1);
  }

  @Test
  void everyFunctionNamesTheOverlaysPool() {
    assertThat(functions())
        .allSatisfy(
            f -> assertThat(f.getSpec().getPool()).isEqualTo(pool().getMetadata().getName()));
  }

  @Test
  void configMapFunctionNamesTheGeneratedConfigMapAndItsFile() {
    var kustomization = Manifests.read(DevOverlay.DIR.resolve("kustomization.yaml")).get(0).tree();
    var generator = kustomization.path("configMapGenerator").get(0);
    var source =
        functions().stream()
            .map(f -> f.getSpec().getSource().getConfigMap())
            .filter(c -> c != null)
            .findFirst()
            .orElseThrow();

    assertThat(source.getName()).isEqualTo(generator.path("name").asText());
    assertThat(generator.path("files").get(0).asText()).isEqualTo(source.getKey());
  }

  @ParameterizedTest
  @MethodSource("shardSecrets")
  void shardUrlReachesAShardService(Secret secret) {
    URI url = url(secret);
    Service service = DevOverlay.service(url.getHost());
    StatefulSet shard = shardBehind(service);

    assertThat(url.getScheme()).isEqualTo("postgresql");
    assertThat(service.getSpec().getPorts())
        .extracting(ServicePort::getPort)
        .containsExactly(url.getPort());
    assertThat(DevOverlay.postgres(shard).getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName())
                  .isEqualTo(service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
              assertThat(p.getContainerPort()).isEqualTo(5432);
            });
  }

  @ParameterizedTest
  @MethodSource("shardSecrets")
  void shardUrlCarriesTheCredentialsTheShardIsInitialisedWith(Secret secret) {
    URI url = url(secret);
    Container postgres = DevOverlay.postgres(shardBehind(DevOverlay.service(url.getHost())));
    var passwordRef =
        postgres.getEnv().stream()
            .filter(e -> e.getName().equals("POSTGRES_PASSWORD"))
            .findFirst()
            .orElseThrow()
            .getValueFrom()
            .getSecretKeyRef();

    assertThat(url.getUserInfo())
        .isEqualTo(env(postgres, "POSTGRES_USER") + ":" + secret.getStringData().get("password"));
    assertThat(url.getPath()).isEqualTo("/" + env(postgres, "POSTGRES_DB"));
    assertThat(passwordRef.getName()).isEqualTo(secret.getMetadata().getName());
    assertThat(passwordRef.getKey()).isEqualTo("password");
  }

  @Test
  void shardsAcceptEveryRunnerAtMaxReplicas() {
    // Each runner keeps max-in-flight + 1 connections to every shard (ShardWriter's pool size).
    int perRunner = RecorderConfig.DEFAULT_MAX_IN_FLIGHT + 1;
    int runners = pool().getSpec().getAutoscaling().getMaxReplicas();

    assertThat(DevOverlay.statefulSets())
        .isNotEmpty()
        .allSatisfy(
            shard -> {
              List<String> args = DevOverlay.postgres(shard).getArgs();
              int max =
                  Integer.parseInt(
                      args.stream()
                          .filter(a -> a.startsWith("max_connections="))
                          .findFirst()
                          .orElse("max_connections=100")
                          .substring("max_connections=".length()));
              assertThat(runners * perRunner)
                  .as("%s max_connections", shard.getMetadata().getName())
                  .isLessThanOrEqualTo(max - RESERVED_CONNECTIONS);
            });
  }

  @Test
  void shardsKeepTheirDataOnPersistentVolumes() {
    assertThat(DevOverlay.statefulSets())
        .isNotEmpty()
        .allSatisfy(
            shard -> {
              Container postgres = DevOverlay.postgres(shard);
              String claim =
                  shard.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
              String mount =
                  postgres.getVolumeMounts().stream()
                      .filter(v -> v.getName().equals(claim))
                      .findFirst()
                      .orElseThrow()
                      .getMountPath();
              assertThat(env(postgres, "PGDATA")).startsWith(mount + "/");
            });
  }

  @Test
  void shardsUseTheirOwnHeadlessService() {
    assertThat(DevOverlay.statefulSets())
        .isNotEmpty()
        .allSatisfy(
            shard -> {
              Service governing = DevOverlay.service(shard.getSpec().getServiceName());
              assertThat(governing.getSpec().getClusterIP()).isEqualTo("None");
              assertThat(shardBehind(governing).getMetadata().getName())
                  .isEqualTo(shard.getMetadata().getName());
            });
  }
}
