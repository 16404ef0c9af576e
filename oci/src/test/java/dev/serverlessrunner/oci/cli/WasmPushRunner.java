package dev.serverlessrunner.oci.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the {@code wasm-push} command in-process and captures what it prints. */
public final class WasmPushRunner {

  /** Exit code, output, and the reference and module digest parsed from the output. */
  public record Outcome(
      int exitCode, String stdout, String stderr, String reference, String moduleDigest) {}

  private static final Pattern REFERENCE = Pattern.compile("(?m)^reference: (\\S+)$");
  private static final Pattern MODULE = Pattern.compile("(?m)^module digest: (\\S+)$");

  private WasmPushRunner() {}

  public static Outcome run(String... args) {
    return runWithStdin("", args);
  }

  public static Outcome runWithStdin(String stdin, String... args) {
    InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        WasmPush.run(
            args,
            in,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String stdout = out.toString(StandardCharsets.UTF_8);
    return new Outcome(
        code,
        stdout,
        err.toString(StandardCharsets.UTF_8),
        group(REFERENCE.matcher(stdout)),
        group(MODULE.matcher(stdout)));
  }

  private static String group(Matcher m) {
    return m.find() ? m.group(1) : null;
  }
}
