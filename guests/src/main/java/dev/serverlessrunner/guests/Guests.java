package dev.serverlessrunner.guests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Opens the guest modules packaged under {@code /guests/} on the class path by name. */
public final class Guests {

  private static final String ROOT = "/guests/";
  private static final List<String> NAMES = loadIndex();
  private static Path tempDir;

  private Guests() {}

  /** Names of all packaged guests, sorted, as listed in {@code /guests/INDEX}. */
  public static List<String> names() {
    return NAMES;
  }

  /** The bytes of {@code /guests/<name>.wasm}; throws if no guest has that name. */
  public static byte[] bytes(String name) {
    try (InputStream in = open(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read guest '" + name + "'", e);
    }
  }

  /**
   * A file holding the guest's bytes, named {@code <name>.wasm}, in a per-JVM temporary directory
   * deleted on exit; for code that wants a path (e.g. a local function directory).
   */
  public static synchronized Path path(String name) {
    byte[] wasm = bytes(name);
    try {
      if (tempDir == null) {
        tempDir = Files.createTempDirectory("serverless-runner-guests");
        tempDir.toFile().deleteOnExit();
      }
      Path file = tempDir.resolve(name + ".wasm");
      if (!Files.exists(file)) {
        Files.write(file, wasm);
        file.toFile().deleteOnExit();
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write guest '" + name + "' to a temporary file", e);
    }
  }

  private static InputStream open(String name) {
    InputStream in =
        NAMES.contains(name) ? Guests.class.getResourceAsStream(ROOT + name + ".wasm") : null;
    if (in == null) {
      throw new IllegalArgumentException(
          "no guest named '" + name + "' on the class path; known guests: " + NAMES);
    }
    return in;
  }

  private static List<String> loadIndex() {
    try (InputStream in = Guests.class.getResourceAsStream(ROOT + "INDEX")) {
      if (in == null) {
        throw new IllegalStateException(
            ROOT + "INDEX is missing from the class path: is the guests jar built?");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ROOT + "INDEX", e);
    }
  }
}
