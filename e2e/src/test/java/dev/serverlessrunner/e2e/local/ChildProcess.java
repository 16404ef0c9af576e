package dev.serverlessrunner.e2e.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A process started by the suite (operator, runner), its output in a log file. {@link #close()}
 * stops it with SIGTERM (its graceful shutdown), then SIGKILL after a bound; a shutdown hook does
 * the same if the test JVM ends first, so no child outlives the build.
 */
public final class ChildProcess implements AutoCloseable {

  private static final long GRACE_SECONDS = 20;

  private final String name;
  private final Process process;
  private final Path log;
  private final Thread shutdownHook;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.shutdownHook = new Thread(this::kill, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code command} with exactly {@code env} added to a minimal inherited environment
   * ({@code PATH}, {@code HOME}), writing stdout and stderr to {@code log}.
   */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      // A pod's container sees only what its spec gives it, so the child must not inherit the
      // build's environment (a stray RUNNER_* or QUARKUS_* variable would change what is tested).
      Map<String, String> childEnv = builder.environment();
      String path = childEnv.get("PATH");
      String home = childEnv.get("HOME");
      childEnv.clear();
      if (path != null) {
        childEnv.put("PATH", path);
      }
      if (home != null) {
        childEnv.put("HOME", home);
      }
      childEnv.putAll(env);
      Process process = builder.start();
      process.getOutputStream().close();
      return new ChildProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** The name given at start, for messages. */
  public String name() {
    return name;
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The file holding its output. */
  public Path log() {
    return log;
  }

  /** The last {@code maxChars} characters of its output, for failure messages. */
  public String logTail(int maxChars) {
    try {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      return text.length() <= maxChars ? text : text.substring(text.length() - maxChars);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Its exit code, once it has exited. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /**
   * Stops it as a kubelet stops a container: SIGTERM, then SIGKILL once {@code grace} has passed.
   *
   * @return whether it exited on its own within {@code grace}
   */
  public boolean stop(Duration grace) {
    boolean graceful = terminate(grace);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and runs the hook itself.
    }
    return graceful;
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(GRACE_SECONDS));
  }

  private void kill() {
    terminate(Duration.ofSeconds(GRACE_SECONDS));
  }

  private boolean terminate(Duration grace) {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    try {
      if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
