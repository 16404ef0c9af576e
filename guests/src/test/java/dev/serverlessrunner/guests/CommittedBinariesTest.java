package dev.serverlessrunner.guests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The committed binaries are exactly what {@code build.sh} makes from the committed sources. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommittedBinariesTest {

  @Test
  void committedBinariesMatchAFreshBuildFromSource() throws Exception {
    Path moduleDir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    Process check =
        new ProcessBuilder("bash", "build.sh", "--check")
            .directory(moduleDir.toFile())
            .redirectErrorStream(true)
            .start();
    check.getOutputStream().close();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(check.waitFor())
        .as(
            "guests/build.sh --check (needs Debian clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt) said:%n%s",
            output)
        .isZero();
  }
}
