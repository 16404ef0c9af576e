package dev.serverlessrunner.engine;

import static dev.serverlessrunner.engine.EngineTestSupport.await;
import static dev.serverlessrunner.engine.EngineTestSupport.stdin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs of one cached module never share state; bytes that cannot be loaded give a result, not an
 * exception. (Replacing the module behind a function name: the runner's FunctionRegistryTest.)
 */
@Timeout(120)
class IsolationTest {

  private static Engine engine;

  @BeforeAll
  static void start() {
    engine = new Engine(EngineOptions.defaults(), new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @Test
  void twoThreadsHammeringOneModuleNeverSeeEachOthersOutput() throws Exception {
    LoadedModule echo = engine.load(Guests.bytes("echo"));
    List<CompletableFuture<List<String>>> clients = new ArrayList<>();
    for (String client : List.of("left", "right")) {
      clients.add(CompletableFuture.supplyAsync(() -> hammer(echo, client)));
    }

    for (int i = 0; i < clients.size(); i++) {
      String client = i == 0 ? "left" : "right";
      List<String> outputs = clients.get(i).get();
      for (int n = 0; n < outputs.size(); n++) {
        assertThat(outputs.get(n)).isEqualTo(client + "-" + n);
      }
    }
  }

  private static List<String> hammer(LoadedModule module, String client) {
    List<String> outputs = new ArrayList<>();
    for (int n = 0; n < 500; n++) {
      outputs.add(await(engine.submit(module, stdin(client + "-" + n))).stdoutText());
    }
    return outputs;
  }

  @Test
  void invalidBytesGiveAnInvalidModuleResult() {
    ExecutionResult result = await(engine.submit(Guests.bytes("not-wasm"), stdin("")));

    assertThat(result.outcome()).isEqualTo(Outcome.INVALID_MODULE);
    assertThat(result.message()).contains("magic header not detected");
  }

  @Test
  void refusedBytesGiveARefusedResult() {
    ExecutionResult result = await(engine.submit(Guests.bytes("huge-table"), stdin("")));

    assertThat(result.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(result.message()).contains("10000000 initial entries");
  }
}
