package dev.serverlessrunner.e2e.local;

import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.crd.function.ModuleSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.guests.Guests;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * WasmFunctions of the sample pool, made from deploy/samples the way a function author would: a
 * ConfigMap created from a guest's {@code .wasm} ({@code kubectl create configmap --from-file}),
 * then the sample WasmFunction renamed and pointed at it.
 */
public final class Functions {

  /** The sample WasmFunction served from a ConfigMap. */
  public static final String CONFIG_MAP_SAMPLE = "deploy/samples/wasmfunction-configmap.yaml";

  /** The sample WasmFunction served from an OCI registry. */
  public static final String OCI_SAMPLE = "deploy/samples/wasmfunction-oci.yaml";

  private static final Duration RECONCILE_TIMEOUT = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final String namespace;
  private final String pool;

  Functions(KubernetesClient client, String namespace, String pool) {
    this.client = client;
    this.namespace = namespace;
    this.pool = pool;
  }

  /** Creates (or replaces) ConfigMap {@code name} holding {@code bytes} under key {@code key}. */
  public ConfigMap putModule(String name, String key, byte[] bytes) {
    ConfigMap map =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .addToBinaryData(key, Base64.getEncoder().encodeToString(bytes))
            .build();
    return client.configMaps().resource(map).createOr(existing -> existing.update());
  }

  /**
   * Creates function {@code name} from the ConfigMap sample, serving guest {@code guest} from a
   * ConfigMap of the same name (key {@code <guest>.wasm}); {@code adjust} may change the spec.
   */
  public WasmFunction createFromConfigMap(
      String name, String guest, Consumer<WasmFunction> adjust) {
    putModule(name, guest + ".wasm", Guests.bytes(guest));
    WasmFunction function = Manifests.single(client, CONFIG_MAP_SAMPLE, WasmFunction.class);
    function.getMetadata().setName(name);
    function.getMetadata().setNamespace(namespace);
    function.getSpec().setPool(pool);
    ConfigMapSource source = new ConfigMapSource();
    source.setName(name);
    source.setKey(guest + ".wasm");
    ModuleSource functionSource = new ModuleSource();
    functionSource.setConfigMap(source);
    function.getSpec().setSource(functionSource);
    adjust.accept(function);
    return client.resources(WasmFunction.class).resource(function).create();
  }

  /** Creates function {@code name} from the OCI sample, pointed at {@code ref}. */
  public WasmFunction createFromOci(String name, String ref, Consumer<WasmFunction> adjust) {
    WasmFunction function = Manifests.single(client, OCI_SAMPLE, WasmFunction.class);
    function.getMetadata().setName(name);
    function.getMetadata().setNamespace(namespace);
    function.getSpec().setPool(pool);
    function.getSpec().getSource().getOci().setRef(ref);
    adjust.accept(function);
    return client.resources(WasmFunction.class).resource(function).create();
  }

  /** The function resource {@code name}. */
  public Resource<WasmFunction> resource(String name) {
    return client.resources(WasmFunction.class).inNamespace(namespace).withName(name);
  }

  /** Waits until {@code name} is Ready with a digest and returns its status. */
  public WasmFunctionStatus awaitReady(String name) {
    return awaitStatus(
        name, "Ready with a digest", s -> s.getDigest() != null && Conditions.isTrue(s, "Ready"));
  }

  /** Waits until condition {@code type} of {@code name} has {@code reason}; returns it. */
  public Condition awaitCondition(String name, String type, String reason) {
    WasmFunctionStatus status =
        awaitStatus(
            name,
            type + " with reason " + reason,
            s -> Conditions.find(s, type).map(c -> reason.equals(c.getReason())).orElse(false));
    return Conditions.find(status, type).orElseThrow();
  }

  /** Waits until the status of {@code name} satisfies {@code test}; returns it. */
  public WasmFunctionStatus awaitStatus(
      String name, String what, Predicate<WasmFunctionStatus> test) {
    return await("WasmFunction " + name + ": " + what)
        .atMost(RECONCILE_TIMEOUT)
        .until(
            () -> {
              WasmFunction function = resource(name).get();
              return function == null ? null : function.getStatus();
            },
            s -> s != null && test.test(s));
  }
}
