package dev.serverlessrunner.runner.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.guests.Guests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged runner, given a malformed shard URI, refuses to start without logging its password.
 */
@Timeout(120)
class ShardUriSecrecyIT {

  private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
  private static final String PASSWORD = "Tr0ub4dor-and-3";

  @TempDir Path dir;

  @Test
  void aMalformedShardUriIsReportedWithoutItsPassword() throws Exception {
    assertThat(JAR).as("the packaged runner (mvn package runs before integration tests)").exists();
    Files.write(dir.resolve("greeter.wasm"), Guests.bytes("greeter"));
    Path log = dir.resolve("runner.log");
    Process runner =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0",
                "-Dquarkus.management.port=0",
                "-Drunner.functions.dir=" + dir,
                "-Drunner.recording.shards=postgresql://runner:" + PASSWORD + "@db:notaport/runner",
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      assertThat(runner.waitFor(90, TimeUnit.SECONDS)).as("the runner refused to start").isTrue();
    } finally {
      runner.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(output).contains("shard-0").contains("postgresql://runner:***@db:notaport/runner");
    assertThat(output).doesNotContain(PASSWORD);
  }
}
