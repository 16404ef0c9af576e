package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sslmode} in shard URIs, against a real PostgreSQL 15 that refuses connections without TLS
 * and presents a certificate signed by a CA generated here with openssl.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardTlsTest {

  @TempDir static Path pki;
  private static PostgresClusters clusters;
  private static Vertx vertx;

  @BeforeAll
  static void startTlsShard() throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=shard test CA");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "other.key",
        "-out",
        "other-ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=some other CA");
    Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1");
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext");
    clusters = PostgresClusters.start(1);
    clusters.requireTls(0, pki.resolve("server.pem"), pki.resolve("server.key"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close();
    }
    if (clusters != null) {
      clusters.close();
    }
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(pki.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("openssl %s: %s", args[0], out).isZero();
  }

  private static String uri(String params) {
    return clusters.uri(0) + "?" + params;
  }

  @Test
  void verifyFullAgainstTheShardsCaRecordsOverTls() {
    String uri = uri("sslmode=verify-full&sslrootcert=" + pki.resolve("ca.pem"));
    ExecutionRecorder recorder =
        ExecutionRecorder.start(
            RecorderConfig.builder().shardUris(List.of(uri)).build(), new SimpleMeterRegistry());
    try {
      recorder.ready().toCompletableFuture().join();
      RecordFixtures.submit(recorder, 5);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(clusters.psql(0, "select count(*) from executions")).isEqualTo("5"));
      assertThat(
              clusters.psql(
                  0, "select count(*) from pg_stat_ssl where ssl and pid <> pg_backend_pid()"))
          .as("the recorder's connections use TLS")
          .isNotEqualTo("0");
    } finally {
      recorder.close(Duration.ofSeconds(10));
    }
  }

  @Test
  void verifyFullConnectsWithTheShardsCa() throws Exception {
    ShardConfig shard =
        ShardConfig.indexed(0, uri("sslmode=verify-full&sslrootcert=" + pki.resolve("ca.pem")));
    Pool pool = PgBuilder.pool().connectingTo(ShardUris.connectOptions(shard)).using(vertx).build();
    try {
      var rows =
          pool.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()")
              .execute()
              .toCompletionStage()
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertThat(rows.iterator().next().getBoolean(0)).isTrue();
    } finally {
      pool.close();
    }
  }

  @Test
  void aWrongCaFailsWithACertificateError() {
    ShardConfig shard =
        ShardConfig.indexed(0, uri("sslmode=verify-ca&sslrootcert=" + pki.resolve("other-ca.pem")));
    Pool pool = PgBuilder.pool().connectingTo(ShardUris.connectOptions(shard)).using(vertx).build();
    try {
      assertThatThrownBy(
              () ->
                  pool.query("select 1")
                      .execute()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .rootCause()
          .hasMessageContaining("SSL handshake failed");
    } finally {
      pool.close();
    }
  }

  @Test
  void withoutTlsTheShardRefusesTheConnection() {
    ShardConfig shard = ShardConfig.indexed(0, uri("sslmode=disable"));
    Pool pool = PgBuilder.pool().connectingTo(ShardUris.connectOptions(shard)).using(vertx).build();
    try {
      assertThatThrownBy(
              () ->
                  pool.query("select 1")
                      .execute()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(20, TimeUnit.SECONDS))
          .hasMessageContaining("no encryption");
    } finally {
      pool.close();
    }
  }

  @Test
  void theConfiguredCaVerifiesAUriWithoutTlsParameters() throws Exception {
    // What a runner pod does with its pool's spec.persistence.caCertificate.
    String uri = ShardUris.withRootCert(clusters.uri(0), pki.resolve("ca.pem"));
    assertThat(uri).contains("sslmode=verify-full");
    Pool pool =
        PgBuilder.pool()
            .connectingTo(ShardUris.connectOptions(ShardConfig.indexed(0, uri)))
            .using(vertx)
            .build();
    try {
      var rows =
          pool.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()")
              .execute()
              .toCompletionStage()
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertThat(rows.iterator().next().getBoolean(0)).isTrue();
    } finally {
      pool.close();
    }
  }

  @Test
  void theConfiguredCaOfAnotherAuthorityFailsWithACertificateError() {
    String uri = ShardUris.withRootCert(clusters.uri(0), pki.resolve("other-ca.pem"));
    Pool pool =
        PgBuilder.pool()
            .connectingTo(ShardUris.connectOptions(ShardConfig.indexed(0, uri)))
            .using(vertx)
            .build();
    try {
      assertThatThrownBy(
              () ->
                  pool.query("select 1")
                      .execute()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .rootCause()
          .hasMessageContaining("SSL handshake failed");
    } finally {
      pool.close();
    }
  }

  @Test
  void verifyCaWithoutACaFileIsRefusedWithTheReason() {
    assertThatThrownBy(
            () ->
                ShardUris.connectOptions(
                    ShardConfig.indexed(0, "postgresql://u:pw@127.0.0.1/db?sslmode=verify-ca")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sslrootcert")
        .hasMessageNotContaining("pw@");
  }
}
