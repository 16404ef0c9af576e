package dev.serverlessrunner.runner.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.serverlessrunner.crd.function.ModuleSource;
import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionSpec;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runner's OCI fetch fails on a refused password or a broken pull Secret without the secret in
 * the exception chain the function source logs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OciModuleFetcherSecrecyTest {

  private static final String SECRET = "hunter2-Wr0ng-S3cret";
  private static final String DIGEST =
      "sha256:0000000000000000000000000000000000000000000000000000000000000000";

  private final FakeBlobRegistry registry = new FakeBlobRegistry();
  private final RegistryClient client = new RegistryClient(RegistryClientOptions.defaults());

  @AfterEach
  void stop() {
    client.close();
    registry.close();
  }

  private WasmFunction function() {
    OciSource oci = new OciSource();
    oci.setRef(registry.host() + "/team/hello:1.0");
    oci.setPullSecretRef(new LocalObjectReference("login"));
    ModuleSource source = new ModuleSource();
    source.setOci(oci);
    WasmFunctionSpec spec = new WasmFunctionSpec();
    spec.setSource(source);
    WasmFunction fn = new WasmFunction();
    fn.setMetadata(new ObjectMetaBuilder().withName("hello").withNamespace("team").build());
    fn.setSpec(spec);
    return fn;
  }

  private static Secret pullSecret(String dockerConfig) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("login")
        .endMetadata()
        .addToData(
            ".dockerconfigjson",
            Base64.getEncoder().encodeToString(dockerConfig.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  private static String everything(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void aRefusedPasswordIsNotInTheFailure() {
    registry.requireBasicAuth("robot", "right");
    String auth =
        Base64.getEncoder().encodeToString(("robot:" + SECRET).getBytes(StandardCharsets.UTF_8));
    Secret secret =
        pullSecret("{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
    OciModuleFetcher fetcher = new OciModuleFetcher(client, null, name -> secret);

    Throwable failure = catchThrowable(() -> fetcher.fetch(function(), DIGEST));

    assertThat(failure).isInstanceOf(ModuleUnusableException.class);
    assertThat(failure.getMessage()).contains("password hidden");
    assertThat(everything(failure)).doesNotContain(SECRET).doesNotContain(auth);
  }

  @Test
  void aPullSecretThatIsNotJsonIsNotQuoted() {
    Secret secret =
        pullSecret("{\"auths\":{\"" + registry.host() + "\":{\"password\":" + SECRET + "}}}");
    OciModuleFetcher fetcher = new OciModuleFetcher(client, null, name -> secret);

    Throwable failure = catchThrowable(() -> fetcher.fetch(function(), DIGEST));

    assertThat(failure)
        .isInstanceOf(ModuleUnusableException.class)
        .hasMessageContaining("pull Secret team/login: not a valid Docker config JSON");
    assertThat(everything(failure)).doesNotContain(SECRET);
  }
}
