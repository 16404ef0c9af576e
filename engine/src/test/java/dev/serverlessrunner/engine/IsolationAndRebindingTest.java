package dev.serverlessrunner.engine;

import static dev.serverlessrunner.engine.EngineTestSupport.await;
import static dev.serverlessrunner.engine.EngineTestSupport.query;
import static dev.serverlessrunner.engine.EngineTestSupport.stdin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleRefusedException;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs of one cached module never share state; a rebound name serves its new module. */
@Timeout(120)
class IsolationAndRebindingTest {

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
  void reboundNameServesTheNewModuleWhileEarlierRequestsFinishOnTheOld() {
    LoadedModule old = engine.bind("rebound", Guests.bytes("sha256-loop"));
    CompletionStage<ExecutionResult> inFlight = engine.submit("rebound", query("n=2000"));

    LoadedModule replacement = engine.bind("rebound", Guests.bytes("greeter"));
    ExecutionResult after = await(engine.submit("rebound", stdin("Bob")));
    ExecutionResult before = await(inFlight);

    assertThat(before.outcome()).as(before.toString()).isEqualTo(Outcome.OK);
    assertThat(before.moduleDigest()).isEqualTo(old.digest());
    assertThat(before.stdoutText()).matches("[0-9a-f]{64}\\n");
    assertThat(after.moduleDigest()).isEqualTo(replacement.digest());
    assertThat(after.stdoutText()).isEqualTo("Hello, Bob!");
  }

  @Test
  void refusedReplacementKeepsTheOldBinding() {
    LoadedModule greeter = engine.bind("kept", Guests.bytes("greeter"));

    assertThatThrownBy(() -> engine.bind("kept", Guests.bytes("simd")))
        .isInstanceOf(ModuleRefusedException.class);
    assertThat(engine.module("kept")).contains(greeter);
  }

  @Test
  void unknownFunctionIsATypedError() {
    assertThatThrownBy(() -> engine.submit("nobody", stdin("")))
        .isInstanceOf(UnknownFunctionException.class)
        .hasMessageContaining("nobody");
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
