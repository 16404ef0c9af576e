package dev.serverlessrunner.oci.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.guests.Guests;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Command-line handling of wasm-push that needs no registry. */
class WasmPushTest {

  @Test
  void parsesFileTargetAndUser() throws Exception {
    WasmPush.Arguments a =
        WasmPush.parse(
            new String[] {
              "f.wasm", "localhost:5000/fn/x:v1", "--username", "me", "--password-stdin"
            });

    assertThat(a.file()).isEqualTo(Path.of("f.wasm"));
    assertThat(a.target().registry()).isEqualTo("localhost:5000");
    assertThat(a.target().tag()).isEqualTo("v1");
    assertThat(a.username()).isEqualTo("me");
    assertThat(a.passwordStdin()).isTrue();
  }

  @Test
  void refusesPasswordStdinWithoutUser() {
    assertThatThrownBy(
            () -> WasmPush.parse(new String[] {"f.wasm", "r.io/x:1", "--password-stdin"}))
        .hasMessageContaining("--username");
  }

  @Test
  void refusesAnInvalidTarget() {
    assertThatThrownBy(() -> WasmPush.parse(new String[] {"f.wasm", "r.io/UPPER:1"}))
        .hasMessageContaining("lowercase");
  }

  @Test
  void missingArgumentsExitWithUsage() {
    WasmPushRunner.Outcome o = WasmPushRunner.run("only-a-file.wasm");

    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.stderr()).contains("usage: wasm-push");
  }

  @Test
  void fileWithoutWasmMagicIsRefusedBeforeAnyNetwork() {
    WasmPushRunner.Outcome o =
        WasmPushRunner.run(Guests.path("not-wasm").toString(), "127.0.0.1:1/fn/x:v1");

    assertThat(o.exitCode()).isEqualTo(1);
    assertThat(o.stderr()).contains("is not a Wasm module");
  }

  @Test
  void missingFileIsReported() {
    WasmPushRunner.Outcome o = WasmPushRunner.run("/nonexistent/f.wasm", "127.0.0.1:1/fn/x:v1");

    assertThat(o.exitCode()).isEqualTo(1);
    assertThat(o.stderr()).contains("no such file: /nonexistent/f.wasm");
  }
}
