package dev.serverlessrunner.runner.lifecycle;

import dev.serverlessrunner.runner.recording.EmbeddedDatabase;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.recording.RecorderConfig;
import dev.serverlessrunner.runner.recording.ShardUris;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The recorder and, when no shard is configured, the embedded PostgreSQL it writes to: closed
 * together, recorder first so its backlog drains into the database before the database stops.
 */
public final class RecordingBackend {

  private static final Logger LOG = Logger.getLogger(RecordingBackend.class);

  private final ExecutionRecorder recorder;
  private final Optional<EmbeddedDatabase> embedded;

  private RecordingBackend(ExecutionRecorder recorder, Optional<EmbeddedDatabase> embedded) {
    this.recorder = recorder;
    this.embedded = embedded;
  }

  /**
   * Starts the recorder on the configured shards, or on an embedded database when none is; {@code
   * sslRootCert} is the CA of every shard URI naming none ({@link ShardUris#withRootCert}).
   */
  static RecordingBackend start(
      RecorderConfig.Builder config,
      Optional<List<String>> shards,
      Optional<Path> sslRootCert,
      Path embeddedDataDir,
      Vertx vertx,
      MeterRegistry registry) {
    List<String> uris =
        shardUris(shards).stream()
            .map(u -> sslRootCert.map(ca -> ShardUris.withRootCert(u, ca)).orElse(u))
            .toList();
    if (!uris.isEmpty()) {
      return new RecordingBackend(
          ExecutionRecorder.start(config.shardUris(uris).build(), vertx, registry),
          Optional.empty());
    }
    LOG.infof(
        "no runner.recording.shards configured: starting an embedded PostgreSQL in %s",
        embeddedDataDir);
    EmbeddedDatabase db = EmbeddedDatabase.start(embeddedDataDir);
    try {
      ExecutionRecorder recorder =
          ExecutionRecorder.start(
              config
                  .shardUris(List.of(db.connectionUri()))
                  // Its port changes at each start; its data directory names it.
                  .spoolKey(
                      "embedded-"
                          + Integer.toHexString(embeddedDataDir.toAbsolutePath().hashCode()))
                  .build(),
              vertx,
              registry);
      return new RecordingBackend(recorder, Optional.of(db));
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** The configured shard URIs without blank entries; empty means the embedded database. */
  static List<String> shardUris(Optional<List<String>> shards) {
    return shards.orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
  }

  public ExecutionRecorder recorder() {
    return recorder;
  }

  /** Drains every backlog, then stops the embedded database; returns records not written. */
  public long close(Duration timeout) {
    long lost = recorder.close(timeout);
    embedded.ifPresent(EmbeddedDatabase::close);
    return lost;
  }
}
