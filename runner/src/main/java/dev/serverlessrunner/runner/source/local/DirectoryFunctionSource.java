package dev.serverlessrunner.runner.source.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.serverlessrunner.runner.source.FunctionConfig;
import dev.serverlessrunner.runner.source.FunctionDefinition;
import dev.serverlessrunner.runner.source.FunctionNames;
import dev.serverlessrunner.runner.source.FunctionSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Standalone mode: serves every {@code <name>.wasm} in one directory, with optional settings in
 * {@code <name>.yaml} beside it. Rescans periodically, so added, changed and removed files take
 * effect without a restart. Write files atomically (write elsewhere, then rename) so a scan never
 * reads half a module.
 */
public final class DirectoryFunctionSource implements FunctionSource {

  private static final Logger LOG = Logger.getLogger(DirectoryFunctionSource.class);
  private static final String MODULE_SUFFIX = ".wasm";
  private static final String SETTINGS_SUFFIX = ".yaml";

  private final Path directory;
  private final Duration scanInterval;
  private final long maxModuleBytes;
  private final ObjectMapper yaml =
      JsonMapper.builder(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private final Map<String, FileState> seen = new HashMap<>();
  private ScheduledExecutorService scanner;
  private Listener listener;

  public DirectoryFunctionSource(Path directory, Duration scanInterval, long maxModuleBytes) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.scanInterval = Objects.requireNonNull(scanInterval, "scanInterval");
    this.maxModuleBytes = maxModuleBytes;
  }

  @Override
  public synchronized void start(Listener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("already started");
    }
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("functions directory does not exist: " + directory);
    }
    this.listener = listener;
    scan();
    scanner =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("function-dir-scan").unstarted(r));
    long millis = scanInterval.toMillis();
    scanner.scheduleWithFixedDelay(this::scanLogged, millis, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void close() {
    if (scanner != null) {
      scanner.shutdownNow();
    }
  }

  private void scanLogged() {
    try {
      scan();
    } catch (RuntimeException e) {
      LOG.errorf(e, "scan of %s failed; retrying in %s", directory, scanInterval);
    }
  }

  /**
   * One pass: report what is new, changed or gone since the previous pass. New and changed
   * functions go to the listener as one batch, so the first pass (the preload) can load them in
   * parallel.
   */
  synchronized void scan() {
    Set<String> present = new HashSet<>();
    List<FunctionDefinition> changed = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String fileName = file.getFileName().toString();
        if (!fileName.endsWith(MODULE_SUFFIX) || !Files.isRegularFile(file)) {
          continue;
        }
        String name = fileName.substring(0, fileName.length() - MODULE_SUFFIX.length());
        present.add(name);
        FileState state = FileState.of(file, directory.resolve(name + SETTINGS_SUFFIX));
        if (state.equals(seen.get(name))) {
          continue;
        }
        seen.put(name, state);
        read(name, file).ifPresent(changed::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list functions directory " + directory, e);
    }
    if (!changed.isEmpty()) {
      listener.upsertAll(changed);
    }
    for (String gone : Set.copyOf(seen.keySet())) {
      if (!present.contains(gone)) {
        seen.remove(gone);
        if (FunctionNames.isValid(gone)) {
          listener.remove(gone);
        }
      }
    }
  }

  /** The function in {@code module}, or empty after reporting why it cannot be served. */
  private Optional<FunctionDefinition> read(String name, Path module) {
    if (!FunctionNames.isValid(name)) {
      listener.invalid(name, FunctionNames.describeInvalid(name) + " (file " + module + ")");
      return Optional.empty();
    }
    try {
      long size = Files.size(module);
      if (size > maxModuleBytes) {
        listener.invalid(
            name, "module is " + size + " bytes, over the limit of " + maxModuleBytes + " bytes");
        return Optional.empty();
      }
      FunctionConfig config = readSettings(directory.resolve(name + SETTINGS_SUFFIX));
      return Optional.of(
          new FunctionDefinition(name, Files.readAllBytes(module), config, module.toString()));
    } catch (InvalidSettingsException e) {
      listener.invalid(name, e.getMessage());
    } catch (IOException e) {
      // Likely a file replaced under us; the next scan sees its new state and tries again.
      seen.remove(name);
      LOG.warnf("cannot read function %s from %s: %s", name, module, e.toString());
    }
    return Optional.empty();
  }

  private FunctionConfig readSettings(Path settings) throws IOException {
    if (!Files.exists(settings)) {
      return FunctionConfig.defaults();
    }
    try {
      FunctionConfig config = yaml.readValue(settings.toFile(), FunctionConfig.class);
      return config == null ? FunctionConfig.defaults() : config;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new InvalidSettingsException(
          "invalid settings in " + settings + ": " + e.getOriginalMessage());
    }
  }

  private static final class InvalidSettingsException extends IOException {
    InvalidSettingsException(String message) {
      super(message);
    }
  }

  /** What a scan compares: a function changed when its module or its settings file did. */
  private record FileState(
      Object moduleFileKey, long moduleSize, long moduleModified, long settingsModified) {
    static FileState of(Path module, Path settings) throws IOException {
      BasicFileAttributes m = Files.readAttributes(module, BasicFileAttributes.class);
      long s = Files.exists(settings) ? Files.getLastModifiedTime(settings).toMillis() : -1;
      return new FileState(m.fileKey(), m.size(), m.lastModifiedTime().toMillis(), s);
    }
  }
}
