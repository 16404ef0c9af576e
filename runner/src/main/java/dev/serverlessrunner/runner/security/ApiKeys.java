package dev.serverlessrunner.runner.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * API keys from a directory — a Kubernetes Secret mounted as a volume: one file per key, named by
 * the key's id, holding the SHA-256 of the key in hex (optionally {@code sha256:}-prefixed)
 * followed by the scopes (and roles) the key grants, separated by spaces. The runner never sees a
 * key itself, only its hash. The directory is re-read periodically, so rotating the Secret takes
 * effect without a restart.
 */
public final class ApiKeys {

  private static final Logger LOG = Logger.getLogger(ApiKeys.class);
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

  private final Path dir;
  private volatile Map<String, Key> byHash = Map.of();

  /** One key: its id (the file name) and what it grants. */
  private record Key(String id, Set<String> grants) {}

  private ApiKeys(Path dir) {
    this.dir = dir;
  }

  /** Loads the keys in {@code dir}; fails when the directory cannot be read. */
  public static ApiKeys load(Path dir) {
    ApiKeys keys = new ApiKeys(dir);
    try {
      keys.reload();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the API keys directory " + dir, e);
    }
    return keys;
  }

  /** How many keys are loaded. */
  public int size() {
    return byHash.size();
  }

  /** Re-reads the directory; an unreadable directory keeps the keys loaded before. */
  public void reloadQuietly() {
    try {
      reload();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("API keys in %s not reloaded, the previous ones stay in force: %s", dir, e);
    }
  }

  private void reload() throws IOException {
    Map<String, Key> loaded = new HashMap<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      // A Secret volume also holds "..data" and timestamped directories: its own bookkeeping.
      files =
          listing
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    }
    for (Path file : files) {
      String id = file.getFileName().toString();
      String[] fields = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
      String hash = fields[0].startsWith("sha256:") ? fields[0].substring(7) : fields[0];
      if (!SHA256_HEX.matcher(hash).matches()) {
        // The content is not echoed: it may be a key pasted by mistake instead of its hash.
        LOG.warnf(
            "API key %s ignored: its value must be the key's SHA-256 in hex (64 hex digits),"
                + " optionally followed by scopes",
            id);
        continue;
      }
      Set<String> grants = new LinkedHashSet<>(Arrays.asList(fields).subList(1, fields.length));
      loaded.put(hash.toLowerCase(java.util.Locale.ROOT), new Key(id, grants));
    }
    if (!loaded.keySet().equals(byHash.keySet())) {
      LOG.infof("%d API key(s) loaded from %s", loaded.size(), dir);
    }
    byHash = Map.copyOf(loaded);
  }

  /** The caller {@code presented} identifies, or {@link AuthenticationException}. */
  public Caller verify(String presented) {
    Key key = byHash.get(sha256Hex(presented));
    if (key == null) {
      throw new AuthenticationException("unknown API key");
    }
    return Caller.of("api-key:" + key.id(), key.grants(), key.grants());
  }

  /** The hex SHA-256 of {@code key}'s UTF-8 bytes: what the Secret holds for it. */
  public static String sha256Hex(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
