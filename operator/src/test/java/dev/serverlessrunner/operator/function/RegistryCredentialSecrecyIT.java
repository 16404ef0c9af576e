package dev.serverlessrunner.operator.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.OciSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.guests.Guests;
import dev.serverlessrunner.oci.OciReference;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import dev.serverlessrunner.oci.RegistryCredentials;
import dev.serverlessrunner.oci.testsupport.LocalRegistry;
import dev.serverlessrunner.oci.testsupport.TokenServer;
import dev.serverlessrunner.operator.TestFunctions;
import dev.serverlessrunner.operator.TestPools;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registry credentials that fail — a wrong password against a real registry (basic and token auth),
 * a token service that is down, pull Secrets whose Docker config or encoding is broken — never
 * appear in the WasmFunction's status, its events, or anything the operator logs.
 */
@WithKubernetesTestServer(crud = true)
// Not restricted: the *IT classes share one Quarkus start.
@QuarkusTestResource(FakeRegistryResource.class)
@QuarkusTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RegistryCredentialSecrecyIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String USER = "robot";
  private static final String PASSWORD = "good-Pa55word";
  private static final String SECRET = "hunter2-Wr0ng-S3cret";

  private static LocalRegistry basic;
  private static TokenServer tokens;
  private static LocalRegistry token;
  private static TokenServer goneTokens;
  private static LocalRegistry orphan;
  private static final List<String> logged = new CopyOnWriteArrayList<>();

  /** Every record any logger of this JVM publishes, formatted with its thrown exception. */
  private static final Handler CAPTURE =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
          if (record.getParameters() != null) {
            for (Object p : record.getParameters()) {
              line.append(' ').append(p);
            }
          }
          for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            line.append(' ').append(t);
          }
          logged.add(line.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @Inject KubernetesClient client;

  @BeforeAll
  static void start() {
    CAPTURE.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(CAPTURE);
    Logger.getLogger(RegistryCredentialSecrecyIT.class.getName()).info("log capture attached");
    basic = LocalRegistry.startWithBasicAuth(USER, PASSWORD);
    tokens = TokenServer.start(USER, PASSWORD);
    token = LocalRegistry.startWithTokenAuth(tokens);
    goneTokens = TokenServer.start(USER, PASSWORD);
    orphan = LocalRegistry.startWithTokenAuth(goneTokens);
    goneTokens.close();
    try (RegistryClient pusher = new RegistryClient(RegistryClientOptions.defaults())) {
      RegistryCredentials good = RegistryCredentials.basic(USER, PASSWORD);
      pusher.pushWasm(basic.reference("team/greeter:1"), Guests.bytes("greeter"), good);
      pusher.pushWasm(token.reference("team/greeter:1"), Guests.bytes("greeter"), good);
    }
  }

  @AfterAll
  static void stop() {
    Logger.getLogger("").removeHandler(CAPTURE);
    orphan.close();
    token.close();
    tokens.close();
    basic.close();
  }

  private String ns() {
    return client.getNamespace();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String dockerConfig(LocalRegistry registry, String password) {
    return "{\"auths\":{\""
        + registry.registry()
        + "\":{\"auth\":\""
        + base64(USER + ":" + password)
        + "\"}}}";
  }

  private void pullSecret(String name, String encodedData) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns())
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", encodedData)
                .build())
        .create();
  }

  private void function(String name, OciReference ref, String secret) {
    RunnerPool pool = TestPools.fixed(ns(), "pool-" + name, 1);
    pool.getMetadata().setGeneration(null);
    client.resource(pool).create();
    WasmFunction fn = TestFunctions.fromConfigMap(ns(), name, "pool-" + name, "unused");
    fn.getMetadata().setGeneration(null);
    OciSource oci = new OciSource();
    oci.setRef(ref.toString());
    oci.setPullSecretRef(new LocalObjectReference(secret));
    fn.getSpec().getSource().setConfigMap(null);
    fn.getSpec().getSource().setOci(oci);
    client.resource(fn).create();
  }

  /** The SourceResolved=False condition, once the operator wrote it; the secret nowhere. */
  private Condition refusedWithoutTheSecret(String name, String reason) {
    Condition condition =
        await()
            .atMost(WAIT)
            .until(
                () -> {
                  WasmFunction fn =
                      client.resources(WasmFunction.class).inNamespace(ns()).withName(name).get();
                  return fn == null || fn.getStatus() == null
                      ? null
                      : Conditions.find(fn.getStatus().getConditions(), "SourceResolved")
                          .orElse(null);
                },
                c -> c != null && c.getStatus().equals("False"));
    assertThat(condition.getReason()).isEqualTo(reason);
    WasmFunction fn = client.resources(WasmFunction.class).inNamespace(ns()).withName(name).get();
    assertThat(Serialization.asJson(fn.getStatus())).doesNotContain(SECRET);
    assertThat(Serialization.asJson(client.v1().events().inNamespace(ns()).list()))
        .doesNotContain(SECRET);
    assertThat(logged).contains("log capture attached").noneMatch(line -> line.contains(SECRET));
    return condition;
  }

  @Test
  void aWrongPasswordRefusedByTheRegistry() {
    pullSecret("wrong-basic", base64(dockerConfig(basic, SECRET)));
    function("fn-wrong-basic", basic.reference("team/greeter:1"), "wrong-basic");

    assertThat(refusedWithoutTheSecret("fn-wrong-basic", "RegistryUnauthorized").getMessage())
        .contains("rejected user 'robot' (password hidden)");
  }

  @Test
  void aWrongPasswordRefusedByTheTokenService() {
    pullSecret("wrong-token", base64(dockerConfig(token, SECRET)));
    function("fn-wrong-token", token.reference("team/greeter:1"), "wrong-token");

    assertThat(refusedWithoutTheSecret("fn-wrong-token", "RegistryUnauthorized").getMessage())
        .contains("password hidden");
  }

  @Test
  void aTokenServiceThatIsDown() {
    pullSecret("gone-token", base64(dockerConfig(orphan, SECRET)));
    function("fn-gone-token", orphan.reference("team/greeter:1"), "gone-token");

    assertThat(refusedWithoutTheSecret("fn-gone-token", "RegistryUnavailable").getMessage())
        .contains("cannot reach");
  }

  @Test
  void aDockerConfigThatIsNotJson() {
    pullSecret(
        "broken-json",
        base64("{\"auths\":{\"" + basic.registry() + "\":{\"password\":" + SECRET + "}}}"));
    function("fn-broken-json", basic.reference("team/greeter:1"), "broken-json");

    assertThat(refusedWithoutTheSecret("fn-broken-json", "PullSecretInvalid").getMessage())
        .contains("not a valid Docker config JSON");
  }

  @Test
  void aDockerConfigWhoseAuthIsNotBase64() {
    pullSecret(
        "broken-auth",
        base64("{\"auths\":{\"" + basic.registry() + "\":{\"auth\":\"" + SECRET + "!\"}}}"));
    function("fn-broken-auth", basic.reference("team/greeter:1"), "broken-auth");

    assertThat(refusedWithoutTheSecret("fn-broken-auth", "PullSecretInvalid").getMessage())
        .contains("'auth' is not base64");
  }
}
