package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.pool.AuthMode;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The development pool authenticates with API keys, and the key the README's curl sends is one its
 * Secret holds the hash of.
 */
class DevOverlayAuthTest {

  private static RunnerPool pool() {
    return DevOverlay.named("RunnerPool", RunnerPool.class, "default");
  }

  @Test
  void theDevPoolUsesApiKeysFromItsSecret() {
    RunnerPool pool = pool();

    assertThat(pool.getSpec().getAuth().getMode()).isEqualTo(AuthMode.API_KEY);
    String secret = pool.getSpec().getAuth().getApiKeysSecretRef().getName();
    assertThat(DevOverlay.secrets()).extracting(s -> s.getMetadata().getName()).contains(secret);
  }

  @Test
  void theReadmesKeyMatchesAHashInTheSecret() throws Exception {
    Matcher m = Pattern.compile("key=(sr_dev_[0-9a-f]+)").matcher(ProjectFiles.read("README.md"));
    assertThat(m.find()).as("README.md shows the dev key").isTrue();
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(m.group(1).getBytes(StandardCharsets.UTF_8)));
    Secret secret =
        DevOverlay.named(
            "Secret", Secret.class, pool().getSpec().getAuth().getApiKeysSecretRef().getName());

    assertThat(secret.getStringData().values()).anyMatch(v -> v.startsWith(hash + " "));
  }
}
