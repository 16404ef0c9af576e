package dev.serverlessrunner.runner.source.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.crd.function.Abi;
import dev.serverlessrunner.crd.function.Durability;
import dev.serverlessrunner.runner.source.FunctionDefinition;
import dev.serverlessrunner.runner.source.FunctionSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryFunctionSourceTest {

  private static final byte[] MODULE_A = {0, 'a', 's', 'm', 1, 0, 0, 0};
  private static final byte[] MODULE_B = {0, 'a', 's', 'm', 1, 0, 0, 0, 0, 4, 'n', 'a', 'm', 'e'};

  @TempDir Path dir;
  private final Recorder events = new Recorder();
  private DirectoryFunctionSource source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private DirectoryFunctionSource start(Duration interval) {
    source = new DirectoryFunctionSource(dir, interval, 1 << 20);
    source.start(events);
    return source;
  }

  @Test
  void preloadReportsEveryModuleBeforeStartReturns() throws IOException {
    Files.write(dir.resolve("greeter.wasm"), MODULE_A);
    Files.write(dir.resolve("fib.wasm"), MODULE_B);
    Files.writeString(dir.resolve("README.txt"), "not a module");

    start(Duration.ofHours(1));

    assertThat(events.upserts.keySet()).containsExactlyInAnyOrder("greeter", "fib");
    assertThat(events.upserts.get("fib").module()).isEqualTo(MODULE_B);
    assertThat(events.upserts.get("fib").config().abi()).isEqualTo(Abi.RAW);
  }

  @Test
  void sidecarSettingsAreRead() throws IOException {
    Files.write(dir.resolve("fib.wasm"), MODULE_A);
    Files.writeString(
        dir.resolve("fib.yaml"),
        """
        limits:
          memory: 32Mi
          fuel: 5000000
          timeout: 2s
          maxRequestBytes: 1Ki
        env:
          GREETING: hi
        args: [one, two]
        abi: cgi
        durability: sync
        """);

    start(Duration.ofHours(1));

    var config = events.upserts.get("fib").config();
    assertThat(config.limits().memoryBytes()).isEqualTo(32L << 20);
    assertThat(config.limits().fuel()).isEqualTo(5_000_000L);
    assertThat(config.limits().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.limits().maxRequestBytes()).isEqualTo(1024L);
    assertThat(config.limits().maxStdoutBytes()).isNull();
    assertThat(config.env()).isEqualTo(Map.of("GREETING", "hi"));
    assertThat(config.args()).containsExactly("one", "two");
    assertThat(config.abi()).isEqualTo(Abi.CGI);
    assertThat(config.durability()).isEqualTo(Durability.SYNC);
  }

  @Test
  void invalidSettingsAreReportedWithTheFileAndField() throws IOException {
    Files.write(dir.resolve("fib.wasm"), MODULE_A);
    Files.writeString(dir.resolve("fib.yaml"), "limits:\n  memory: lots\n");

    start(Duration.ofHours(1));

    assertThat(events.upserts).doesNotContainKey("fib");
    assertThat(events.invalid.get("fib")).contains("fib.yaml").contains("limits.memory");
  }

  @Test
  void unknownSettingIsRejectedNotIgnored() throws IOException {
    Files.write(dir.resolve("fib.wasm"), MODULE_A);
    Files.writeString(dir.resolve("fib.yaml"), "limit:\n  fuel: 10\n");

    start(Duration.ofHours(1));

    assertThat(events.invalid.get("fib")).contains("limit");
  }

  @Test
  void namesThatAreNotDnsLabelsAreReportedInvalid() throws IOException {
    Files.write(dir.resolve("Bad_Name.wasm"), MODULE_A);

    start(Duration.ofHours(1));

    assertThat(events.upserts).isEmpty();
    assertThat(events.invalid.get("Bad_Name")).contains("DNS-1123");
  }

  @Test
  void oversizedModuleIsReportedInvalid() throws IOException {
    Files.write(dir.resolve("big.wasm"), new byte[(1 << 20) + 1]);

    start(Duration.ofHours(1));

    assertThat(events.invalid.get("big")).contains("over the limit");
  }

  @Test
  void changedAndRemovedFilesArePickedUpWithoutRestart() throws IOException {
    Files.write(dir.resolve("greeter.wasm"), MODULE_A);
    Files.write(dir.resolve("fib.wasm"), MODULE_A);
    start(Duration.ofMillis(50));

    Path staged = Files.write(dir.resolve("greeter.tmp"), MODULE_B);
    Files.move(staged, dir.resolve("greeter.wasm"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(dir.resolve("fib.wasm"));
    Files.write(dir.resolve("echo.wasm"), MODULE_A);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(events.upserts.get("greeter").module()).isEqualTo(MODULE_B);
              assertThat(events.removed).contains("fib");
              assertThat(events.upserts).containsKey("echo");
            });
  }

  @Test
  void unchangedFilesAreNotReportedAgain() throws IOException {
    Files.write(dir.resolve("greeter.wasm"), MODULE_A);
    start(Duration.ofHours(1));

    source.scan();
    source.scan();

    assertThat(events.upsertCount).hasSize(1);
  }

  @Test
  void missingDirectoryFailsLoudly() {
    var missing = new DirectoryFunctionSource(dir.resolve("nope"), Duration.ofSeconds(1), 1024);
    assertThatThrownBy(() -> missing.start(events)).hasMessageContaining("does not exist");
  }

  private static final class Recorder implements FunctionSource.Listener {
    final Map<String, FunctionDefinition> upserts = new ConcurrentHashMap<>();
    final List<String> upsertCount = new CopyOnWriteArrayList<>();
    final List<String> removed = new CopyOnWriteArrayList<>();
    final Map<String, String> invalid = new ConcurrentHashMap<>();

    @Override
    public void upsert(FunctionDefinition definition) {
      upserts.put(definition.name(), definition);
      upsertCount.add(definition.name());
    }

    @Override
    public void remove(String name) {
      upserts.remove(name);
      removed.add(name);
    }

    @Override
    public void invalid(String name, String reason) {
      invalid.put(name, reason);
    }
  }
}
