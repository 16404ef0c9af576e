package dev.serverlessrunner.engine;

import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.guests.Guests;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Shortcuts shared by the engine tests: build invocations and wait for results. */
final class EngineTestSupport {

  private EngineTestSupport() {}

  static Invocation query(String queryString) {
    return Invocation.builder().env("QUERY_STRING", queryString).build();
  }

  static Invocation stdin(String text) {
    return Invocation.of(text.getBytes(StandardCharsets.UTF_8));
  }

  static ExecutionResult run(Engine engine, String guest, Invocation invocation) {
    return await(engine.submit(Guests.bytes(guest), invocation));
  }

  static ExecutionResult run(Engine engine, LoadedModule module, Invocation invocation) {
    return await(engine.submit(module, invocation));
  }

  static ExecutionResult await(java.util.concurrent.CompletionStage<ExecutionResult> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("run did not complete normally", e);
    }
  }
}
