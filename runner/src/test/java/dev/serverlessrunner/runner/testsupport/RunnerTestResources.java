package dev.serverlessrunner.runner.testsupport;

import dev.serverlessrunner.guests.Guests;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts what a runner under test needs: two real PostgreSQL shards and a functions directory
 * holding real guests, some under extra names with their own settings.
 */
public class RunnerTestResources implements QuarkusTestResourceLifecycleManager {

  /** Records waiting per shard in tests: small, so a stopped shard fills its backlog quickly. */
  public static final int QUEUE_CAPACITY = 40;

  private static volatile PostgresClusters shards;
  private static volatile Path functionsDir;

  /** The shards of the running test application. */
  public static PostgresClusters shards() {
    return shards;
  }

  /** The directory the running test application serves. */
  public static Path functionsDir() {
    return functionsDir;
  }

  @Override
  public Map<String, String> start() {
    shards = PostgresClusters.start(2);
    try {
      functionsDir = Files.createTempDirectory("runner-functions");
      for (String guest :
          new String[] {
            "greeter",
            "fib",
            "fib-cgi",
            "echo",
            "env-dump",
            "exit-nonzero",
            "trap",
            "loop-forever",
            "recurse-forever",
            "alloc-trap",
            "host-env",
            "stdout-flood",
            "sleep"
          }) {
        Files.write(functionsDir.resolve(guest + ".wasm"), Guests.bytes(guest));
      }
      Files.writeString(functionsDir.resolve("fib-cgi.yaml"), "abi: cgi\n");
      sameModule("loop-forever", "slow", "limits:\n  fuel: 10000000000\n  timeout: 300ms\n");
      sameModule("sleep", "sleepy", "limits:\n  timeout: 1s\n");
      sameModule("echo", "echo-small", "limits:\n  maxRequestBytes: 1Ki\n");
      sameModule("fib", "fib-sync", "durability: sync\n");
      sameModule(
          "env-dump",
          "env-declared",
          "env:\n  GREETING: hello\n  QUERY_STRING: masked\nargs: [a, b]\n");
      sameModule("fib", "fib-frugal", "limits:\n  fuel: 1000\n");
      sameModule("cgi-headers", "cgi-headers", "abi: cgi\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "runner.recording.shards", String.join(",", shards.uris()),
        "runner.recording.queue-capacity", Integer.toString(QUEUE_CAPACITY),
        "runner.recording.flush-interval", "10ms",
        "runner.functions.dir", functionsDir.toString(),
        "runner.functions.scan-interval", "100ms");
  }

  private static void sameModule(String guest, String name, String settings) throws IOException {
    Files.write(functionsDir.resolve(name + ".wasm"), Guests.bytes(guest));
    Files.writeString(functionsDir.resolve(name + ".yaml"), settings);
  }

  @Override
  public void stop() {
    if (shards != null) {
      shards.close();
    }
  }
}
