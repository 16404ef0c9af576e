package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.Test;

class ShardUrisTest {

  @Test
  void aConfiguredCaBecomesTheRootCertAndVerifyFullOfAUriWithoutThem() {
    java.nio.file.Path ca = java.nio.file.Path.of("/etc/serverless-runner/shard-ca/ca.crt");

    assertThat(ShardUris.withRootCert("postgresql://u:p@pg/db", ca))
        .isEqualTo(
            "postgresql://u:p@pg/db?sslrootcert=%2Fetc%2Fserverless-runner%2Fshard-ca%2Fca.crt"
                + "&sslmode=verify-full");
    assertThat(ShardUris.withRootCert("postgresql://u:p@pg/db?sslmode=verify-ca", ca))
        .isEqualTo(
            "postgresql://u:p@pg/db?sslmode=verify-ca"
                + "&sslrootcert=%2Fetc%2Fserverless-runner%2Fshard-ca%2Fca.crt");
    assertThat(ShardUris.withRootCert("postgresql://u:p@pg/db?sslrootcert=/own.pem", ca))
        .isEqualTo("postgresql://u:p@pg/db?sslrootcert=/own.pem");
  }

  @Test
  void redactsPasswordsInUserInfoAndParameters() {
    assertThat(ShardUris.redact("postgresql://runner:s3cr%40t@db:5432/runner"))
        .isEqualTo("postgresql://runner:***@db:5432/runner");
    assertThat(ShardUris.redact("postgresql://db/runner?user=r&password=s3cret&sslmode=require"))
        .isEqualTo("postgresql://db/runner?user=r&password=***&sslmode=require");
    assertThat(ShardUris.redact("postgresql://db/runner")).isEqualTo("postgresql://db/runner");
  }

  @Test
  void aMalformedUriFailsWithoutItsPassword() {
    Throwable failure =
        catchThrowable(
            () ->
                ShardUris.connectOptions(
                    ShardConfig.indexed(3, "postgresql://runner:TopSecret-42@db:notaport/runner")));

    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasNoCause();
    assertThat(failure.getMessage()).contains("shard-3").doesNotContain("TopSecret-42");
  }

  @Test
  void sslModeAndRootCertificateAreHonoured() {
    PgConnectOptions options =
        ShardUris.connectOptions(
            ShardConfig.indexed(
                0, "postgresql://u@db:5432/x?sslmode=verify-full&sslrootcert=/etc/ca.pem"));

    assertThat(options.getSslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(options.getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(options.getTrustOptions()).isNotNull();
    assertThat(options.getProperties()).doesNotContainKey("sslrootcert");
  }
}
