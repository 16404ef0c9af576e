package dev.serverlessrunner.engine.cache;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import dev.serverlessrunner.engine.fuel.FuelMetering;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Compiled modules kept on disk, so that a restarted runner defines a module's JVM classes instead
 * of compiling it again. Chicory's compiler reads and writes entries through its {@code Cache}
 * hook; an entry is keyed by the digest of the fuel-metered module that was compiled, in a
 * directory named for the Chicory version and {@link FuelMetering#VERSION}, so classes from another
 * compiler or another metering are never looked at.
 *
 * <p>An entry carries the SHA-256 of its content: one that is cut short, altered or unreadable is
 * deleted and counted ({@code result=corrupt}), and the module is compiled again — never served
 * from it. Entries are written to a temporary file and renamed into place, so a reader sees a whole
 * entry or none. Bounded by bytes: past the bound the least recently used entries go. Failing to
 * write is counted and otherwise ignored: the store only ever saves time.
 *
 * <p>Loading an entry runs the code in it: the directory must be writable by the runner alone (in a
 * pod, its own emptyDir volume).
 */
public final class CompiledCodeStore {

  private static final System.Logger LOG = System.getLogger(CompiledCodeStore.class.getName());
  private static final int MAGIC = 0x53524343; // "SRCC"
  private static final int FORMAT = 1;
  private static final String SUFFIX = ".classes";

  /** The Chicory compiler version entries depend on ("unknown" when its jar does not say). */
  public static final String CHICORY_VERSION = chicoryVersion();

  private final Path directory;
  private final long maxBytes;
  private final Map<String, Counter> results = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final Object evictionLock = new Object();

  /**
   * A store under {@code root}; its entries live in a subdirectory named for the compiler and
   * metering versions (created on the first write).
   */
  public CompiledCodeStore(Path root, long maxBytes, MeterRegistry registry) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.directory =
        root.resolve("chicory-" + CHICORY_VERSION + "-metering-" + FuelMetering.VERSION);
    this.maxBytes = maxBytes;
    this.registry = registry;
  }

  /** What a compile left: the classes and the functions left to the interpreter. */
  public record Entry(Set<Integer> interpretedFunctions, byte[] classes) {
    public Entry {
      interpretedFunctions = Set.copyOf(interpretedFunctions);
    }
  }

  /** Where the entries of this compiler and metering version live. */
  public Path directory() {
    return directory;
  }

  /**
   * The entry for {@code key} if there is a whole, unaltered one; an entry that is not is deleted.
   */
  public Optional<Entry> read(String key) {
    Path file = file(key);
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      count("miss");
      return Optional.empty();
    } catch (IOException e) {
      return corrupt(key, file, "unreadable: " + e);
    }
    Optional<Entry> entry = decode(raw);
    if (entry.isEmpty()) {
      return corrupt(key, file, "its checksum or framing does not match");
    }
    count("hit");
    touch(file);
    return entry;
  }

  /**
   * Deletes the entry for {@code key}, e.g. when its classes could not be loaded; counted as
   * corrupt.
   */
  public void discard(String key, String reason) {
    corrupt(key, file(key), reason);
  }

  /** Keeps {@code entry} under {@code key} (replacing any), then trims the store to its bound. */
  public void write(String key, Entry entry) {
    Path file = file(key);
    Path tmp = null;
    try {
      Files.createDirectories(directory);
      tmp = Files.createTempFile(directory, ".write-", ".tmp");
      Files.write(tmp, encode(entry));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      count("written");
      trim();
    } catch (IOException | UncheckedIOException e) {
      count("write_failed");
      LOG.log(
          System.Logger.Level.WARNING,
          "compiled module {0} not kept in {1}: {2}",
          key,
          directory,
          e.toString());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // A leftover temporary file is ignored by readers and replaced by the next write.
        }
      }
    }
  }

  /** Bytes of the entries on disk now. */
  public long sizeBytes() {
    return entries().stream().mapToLong(FileState::size).sum();
  }

  /**
   * The entry's file: named by the SHA-256 of the key, since Chicory's keys ({@code SHA-256:} and
   * Base64) hold characters a file name cannot.
   */
  Path file(String key) {
    return directory.resolve(
        HexFormat.of().formatHex(sha256(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            + SUFFIX);
  }

  private Optional<Entry> corrupt(String key, Path file, String why) {
    count("corrupt");
    LOG.log(
        System.Logger.Level.WARNING,
        "compiled module {0} in {1} is {2}: deleted, the module is compiled again",
        key,
        directory,
        why);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", file, e.toString());
    }
    return Optional.empty();
  }

  private void count(String result) {
    results
        .computeIfAbsent(
            result,
            r ->
                Counter.builder("runner.engine.modules.disk")
                    .description(
                        "Compiled modules kept on disk: hits, misses, corrupt entries, writes")
                    .tag("result", r)
                    .register(registry))
        .increment();
  }

  /** Least recently used first: a hit refreshes the entry's modification time. */
  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException ignored) {
      // Only the eviction order suffers.
    }
  }

  private void trim() {
    synchronized (evictionLock) {
      List<FileState> files = entries();
      long total = files.stream().mapToLong(FileState::size).sum();
      files.sort(Comparator.comparing(FileState::modified));
      for (FileState f : files) {
        if (total <= maxBytes) {
          break;
        }
        try {
          Files.deleteIfExists(f.path());
          total -= f.size();
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", f.path(), e.toString());
        }
      }
    }
  }

  private record FileState(Path path, long size, FileTime modified) {}

  private List<FileState> entries() {
    List<FileState> out = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return out;
    }
    try (Stream<Path> files = Files.list(directory)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (p.getFileName().toString().endsWith(SUFFIX)) {
          try {
            out.add(new FileState(p, Files.size(p), Files.getLastModifiedTime(p)));
          } catch (IOException e) {
            // Deleted meanwhile.
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** magic, format, SHA-256 of the body, body = interpreted functions and the classes. */
  static byte[] encode(Entry entry) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(entry.classes().length + 64);
    DataOutputStream out = new DataOutputStream(body);
    Set<Integer> interpreted = new TreeSet<>(entry.interpretedFunctions());
    out.writeInt(interpreted.size());
    for (int f : interpreted) {
      out.writeInt(f);
    }
    out.writeInt(entry.classes().length);
    out.write(entry.classes());
    out.flush();
    byte[] bodyBytes = body.toByteArray();
    ByteBuffer whole = ByteBuffer.allocate(8 + 32 + bodyBytes.length);
    whole.putInt(MAGIC).putInt(FORMAT).put(sha256(bodyBytes)).put(bodyBytes);
    return whole.array();
  }

  static Optional<Entry> decode(byte[] raw) {
    if (raw.length < 8 + 32) {
      return Optional.empty();
    }
    ByteBuffer in = ByteBuffer.wrap(raw);
    if (in.getInt() != MAGIC || in.getInt() != FORMAT) {
      return Optional.empty();
    }
    byte[] expected = new byte[32];
    in.get(expected);
    byte[] body = Arrays.copyOfRange(raw, 8 + 32, raw.length);
    if (!MessageDigest.isEqual(expected, sha256(body))) {
      return Optional.empty();
    }
    try (DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(body))) {
      int count = data.readInt();
      if (count < 0 || count > body.length / 4) {
        return Optional.empty();
      }
      Set<Integer> interpreted = new TreeSet<>();
      for (int i = 0; i < count; i++) {
        interpreted.add(data.readInt());
      }
      int length = data.readInt();
      if (length != data.available()) {
        return Optional.empty();
      }
      return Optional.of(new Entry(interpreted, data.readNBytes(length)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  private static String chicoryVersion() {
    try (InputStream in =
        MachineFactoryCompiler.class.getResourceAsStream(
            "/META-INF/maven/com.dylibso.chicory/compiler/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // Fall through.
    }
    return "unknown";
  }
}
