package dev.serverlessrunner.engine.fuel;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One WASI run of a guest's {@code _start} with a fuel budget, as the engine will do it.
 *
 * @param stdout what the guest wrote to standard output
 * @param exitCode the {@code proc_exit} code, 0 when {@code _start} returned
 * @param failure the trap or other Chicory failure that ended the run, or {@code null}
 * @param fuelLeft the fuel global after the run
 */
record GuestRun(String stdout, int exitCode, ChicoryException failure, long fuelLeft) {

  static GuestRun run(
      byte[] wasm, Engine engine, long budget, Map<String, String> env, String stdin) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    try (WasiPreview1 wasi = wasi(env, stdin, stdout)) {
      ImportValues imports = ImportValues.builder().addFunction(wasi.toHostFunctions()).build();
      Instance instance = engine.instantiate(wasm, imports, budget);
      int exitCode = 0;
      ChicoryException failure = null;
      try {
        instance.export("_start").apply();
      } catch (WasiExitException e) {
        exitCode = e.exitCode();
      } catch (ChicoryException e) {
        failure = e;
      }
      return new GuestRun(
          stdout.toString(StandardCharsets.UTF_8), exitCode, failure, Engine.fuel(instance));
    }
  }

  /** Runs the original, unmetered module with the interpreter and returns its stdout. */
  static String runUnmetered(byte[] wasm, Map<String, String> env, String stdin) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    try (WasiPreview1 wasi = wasi(env, stdin, stdout)) {
      ImportValues imports = ImportValues.builder().addFunction(wasi.toHostFunctions()).build();
      Instance instance =
          Instance.builder(Parser.parse(wasm)).withImportValues(imports).withStart(false).build();
      try {
        instance.export("_start").apply();
      } catch (WasiExitException e) {
        // the exit code is not compared; stdout is
      }
      return stdout.toString(StandardCharsets.UTF_8);
    }
  }

  long consumed(long budget) {
    return budget - fuelLeft;
  }

  private static WasiPreview1 wasi(
      Map<String, String> env, String stdin, ByteArrayOutputStream stdout) {
    WasiOptions.Builder options =
        WasiOptions.builder()
            .withStdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false)
            .withStdout(stdout, false)
            .withStderr(new ByteArrayOutputStream(), false)
            .withArguments(List.of("guest"));
    env.forEach(options::withEnvironment);
    return WasiPreview1.builder().withOptions(options.build()).build();
  }
}
