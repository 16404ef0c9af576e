package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.crd.function.ConfigMapSource;
import dev.serverlessrunner.crd.function.ModuleSource;
import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionSpec;
import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.engine.load.ModuleDigest;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Writes WasmFunctions and module ConfigMaps to the mock API server, as users and the operator do.
 */
final class TestCluster {

  static final String NAMESPACE = "functions";
  static final String KEY = "module.wasm";

  private final KubernetesClient client;

  TestCluster(KubernetesClient client) {
    this.client = client;
  }

  /** Creates or replaces ConfigMap {@code name} holding {@code module} under {@link #KEY}. */
  void moduleConfigMap(String name, byte[] module) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName(name)
                .endMetadata()
                .addToBinaryData(KEY, Base64.getEncoder().encodeToString(module))
                .build())
        .createOr(r -> r.update());
  }

  /** Creates a {@code kubernetes.io/dockerconfigjson} Secret with a login for {@code registry}. */
  void pullSecret(String name, String registry, String username, String password) {
    String auth =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    String json = "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}";
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withNamespace(NAMESPACE)
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(
                    ".dockerconfigjson",
                    Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
  }

  /** Creates a function of {@code pool} whose module is in ConfigMap {@code configMap}. */
  WasmFunction configMapFunction(
      String name, String pool, String configMap, Consumer<WasmFunctionSpec> customize) {
    ConfigMapSource cm = new ConfigMapSource();
    cm.setName(configMap);
    cm.setKey(KEY);
    ModuleSource source = new ModuleSource();
    source.setConfigMap(cm);
    return create(name, pool, source, customize);
  }

  /** Creates a function of {@code pool} whose module is an OCI artifact. */
  WasmFunction ociFunction(String name, String pool, String ref) {
    return ociFunction(name, pool, ref, null);
  }

  /**
   * Creates a function of {@code pool} pulled with the credentials of Secret {@code pullSecret}.
   */
  WasmFunction ociFunction(String name, String pool, String ref, String pullSecret) {
    OciSource oci = new OciSource();
    oci.setRef(ref);
    if (pullSecret != null) {
      oci.setPullSecretRef(new LocalObjectReference(pullSecret));
    }
    ModuleSource source = new ModuleSource();
    source.setOci(oci);
    return create(name, pool, source, spec -> {});
  }

  private WasmFunction create(
      String name, String pool, ModuleSource source, Consumer<WasmFunctionSpec> customize) {
    WasmFunctionSpec spec = new WasmFunctionSpec();
    spec.setPool(pool);
    spec.setSource(source);
    customize.accept(spec);
    WasmFunction fn = new WasmFunction();
    fn.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name).build());
    fn.setSpec(spec);
    return functions().resource(fn).create();
  }

  /** Sets the status the operator writes once it resolved the module to {@code module}'s digest. */
  void resolve(String name, byte[] module) {
    resolveDigest(name, ModuleDigest.of(module));
  }

  /** Sets status.digest (and observedGeneration) as the operator does. */
  void resolveDigest(String name, String digest) {
    WasmFunction fn = functions().withName(name).get();
    WasmFunctionStatus status = new WasmFunctionStatus();
    status.setObservedGeneration(fn.getMetadata().getGeneration());
    status.setDigest(digest);
    fn.setStatus(status);
    functions().resource(fn).updateStatus();
  }

  /** Sets the SourceResolved condition, as the operator does when a source breaks or returns. */
  void sourceResolved(String name, String conditionStatus) {
    WasmFunction fn = functions().withName(name).get();
    fn.getStatus()
        .setConditions(
            java.util.List.of(
                new io.fabric8.kubernetes.api.model.ConditionBuilder()
                    .withType("SourceResolved")
                    .withStatus(conditionStatus)
                    .withReason("Test")
                    .build()));
    functions().resource(fn).updateStatus();
  }

  /** Edits the spec of function {@code name}. */
  void editSpec(String name, Consumer<WasmFunctionSpec> edit) {
    functions()
        .withName(name)
        .edit(
            fn -> {
              edit.accept(fn.getSpec());
              return fn;
            });
  }

  void delete(String name) {
    functions().withName(name).delete();
  }

  private NonNamespaceOperation<
          WasmFunction, KubernetesResourceList<WasmFunction>, Resource<WasmFunction>>
      functions() {
    return client.resources(WasmFunction.class).inNamespace(NAMESPACE);
  }
}
