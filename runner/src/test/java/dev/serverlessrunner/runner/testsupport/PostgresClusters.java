package dev.serverlessrunner.runner.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real PostgreSQL 15 clusters for tests: Debian's binaries, run as the {@code postgres} user
 * (PostgreSQL refuses root), each on a free loopback port with trust authentication and its data
 * under {@code /tmp}. One {@code initdb} serves every cluster of a JVM: its directory is copied.
 *
 * <p>Use from {@code @BeforeAll}/{@code @AfterAll} or try-with-resources; {@link #close()} stops
 * and deletes everything, and a shutdown hook does the same if a test JVM dies first.
 */
public final class PostgresClusters implements AutoCloseable {

  /** Where Debian's {@code postgresql-15} package puts the server binaries. */
  public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private static final String OS_USER = "postgres";
  private static final long COMMAND_TIMEOUT_SECONDS = 60;
  private static Path template;

  private final Path root;
  private final List<Cluster> clusters = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopAllQuietly, "postgres-clusters-stop");
  private boolean closed;

  private PostgresClusters(Path root) {
    this.root = root;
  }

  /** Starts {@code count} independent clusters. */
  public static PostgresClusters start(int count) {
    requireBinaries();
    Path root = createOwnedDirectory("sr-pg-");
    PostgresClusters clusters = new PostgresClusters(root);
    Runtime.getRuntime().addShutdownHook(clusters.shutdownHook);
    try {
      Path source = template();
      for (int i = 0; i < count; i++) {
        Path data = root.resolve("c" + i);
        run(List.of("cp", "-a", source.toString(), data.toString()));
        Cluster cluster = new Cluster(i, data, LoopbackPorts.free());
        configure(cluster);
        clusters.clusters.add(cluster);
        clusters.startCluster(cluster);
      }
      return clusters;
    } catch (RuntimeException e) {
      clusters.close();
      throw e;
    }
  }

  /** How many clusters there are. */
  public int size() {
    return clusters.size();
  }

  /** The connection URI of cluster {@code index} (user {@code postgres}, database postgres). */
  public String uri(int index) {
    return "postgresql://postgres@127.0.0.1:" + clusters.get(index).port() + "/postgres";
  }

  /** The URIs of every cluster, in order. */
  public List<String> uris() {
    return clusters.stream().map(c -> uri(c.index())).toList();
  }

  /** The TCP port of cluster {@code index}. */
  public int port(int index) {
    return clusters.get(index).port();
  }

  /**
   * Turns TLS on in cluster {@code index} with {@code certificate} and {@code key} (PEM files) and
   * refuses every connection without it, then restarts the cluster. The files are copied into the
   * cluster's data directory, owned by the server's user.
   */
  public void requireTls(int index, Path certificate, Path key) {
    Cluster cluster = clusters.get(index);
    try {
      Path cert = cluster.data().resolve("server.crt");
      Path privateKey = cluster.data().resolve("server.key");
      Files.copy(certificate, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(key, privateKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      run(List.of("chown", OS_USER, cert.toString(), privateKey.toString()));
      run(List.of("chmod", "600", privateKey.toString()));
      Files.writeString(
          cluster.data().resolve("postgresql.conf"),
          "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      Path hba = cluster.data().resolve("pg_hba.conf");
      Files.writeString(
          hba,
          "hostnossl all all 0.0.0.0/0 reject\n"
              + "hostssl all all 127.0.0.1/32 trust\n"
              + "local all all trust\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pgCtl(cluster, "restart", "-m", "fast", "-l", cluster.data().resolve("server.log").toString());
  }

  /** Stops cluster {@code index} the way a crash would: backends killed, no checkpoint. */
  public void stop(int index) {
    pgCtl(clusters.get(index), "stop", "-m", "immediate");
  }

  /** Starts cluster {@code index} again on the same port and data. */
  public void restart(int index) {
    startCluster(clusters.get(index));
  }

  /**
   * Freezes cluster {@code index} with SIGSTOP (postmaster and every backend): connections stay
   * open but nothing answers, like a network partition or a hung host.
   */
  public void freeze(int index) {
    signal(index, "-STOP");
  }

  /** Resumes a cluster frozen by {@link #freeze(int)}. */
  public void thaw(int index) {
    signal(index, "-CONT");
  }

  private void signal(int index, String signal) {
    List<String> pids = new ArrayList<>();
    long postmaster = postmasterPid(clusters.get(index));
    pids.add(Long.toString(postmaster));
    ProcessHandle.of(postmaster)
        .orElseThrow(() -> new IllegalStateException("postmaster " + postmaster + " is gone"))
        .descendants()
        .forEach(p -> pids.add(Long.toString(p.pid())));
    List<String> command = new ArrayList<>(List.of("kill", signal));
    command.addAll(pids);
    run(command);
  }

  private static long postmasterPid(Cluster cluster) {
    try {
      String first = Files.readAllLines(cluster.data().resolve("postmaster.pid")).getFirst();
      return Long.parseLong(first.strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cluster " + cluster.index() + " is not running", e);
    }
  }

  /** Whether cluster {@code index} is running (its postmaster holds its pid file). */
  public boolean isRunning(int index) {
    return Files.exists(clusters.get(index).data().resolve("postmaster.pid"));
  }

  /** Runs SQL in cluster {@code index} with {@code psql} and returns the unaligned output. */
  public String psql(int index, String sql) {
    Cluster cluster = clusters.get(index);
    return run(List.of(
            BIN.resolve("psql").toString(),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(cluster.port()),
            "-U",
            OS_USER,
            "-d",
            "postgres",
            "-c",
            sql))
        .strip();
  }

  /** Stops every cluster and deletes its data. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopAllQuietly();
    deleteRecursively(root);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook is running or ran; nothing left to unregister.
    }
  }

  private void startCluster(Cluster cluster) {
    pgCtl(cluster, "start", "-l", cluster.data().resolve("server.log").toString());
  }

  private void stopAllQuietly() {
    for (Cluster cluster : clusters) {
      if (Files.exists(cluster.data().resolve("postmaster.pid"))) {
        try {
          pgCtl(cluster, "stop", "-m", "immediate");
        } catch (RuntimeException e) {
          System.err.println("Could not stop test cluster " + cluster.data() + ": " + e);
        }
      }
    }
  }

  private static void pgCtl(Cluster cluster, String... args) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "runuser",
            "-u",
            OS_USER,
            "--",
            BIN.resolve("pg_ctl").toString(),
            "-D",
            cluster.data().toString(),
            "-w",
            "-t",
            "30"));
    command.addAll(List.of(args));
    run(command);
  }

  private static synchronized Path template() {
    if (template == null) {
      Path dir = createOwnedDirectory("sr-pg-template-");
      Path data = dir.resolve("data");
      run(
          List.of(
              "runuser",
              "-u",
              OS_USER,
              "--",
              BIN.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              OS_USER,
              "-A",
              "trust",
              "-E",
              "UTF8",
              "--no-locale",
              "--no-sync"));
      template = data;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> deleteRecursively(dir), "postgres-template-delete"));
    }
    return template;
  }

  /** Loopback only, socket in the data directory, and durability traded for test speed. */
  private static void configure(Cluster cluster) {
    String settings =
        String.join(
            "\n",
            "",
            "listen_addresses = '127.0.0.1'",
            "port = " + cluster.port(),
            "unix_socket_directories = '" + cluster.data() + "'",
            "max_connections = 30",
            "shared_buffers = 16MB",
            "fsync = off",
            "full_page_writes = off",
            "logging_collector = off",
            "");
    try {
      Files.writeString(
          cluster.data().resolve("postgresql.conf"),
          settings,
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requireBinaries() {
    for (String binary : List.of("initdb", "pg_ctl", "psql", "postgres")) {
      if (!Files.isExecutable(BIN.resolve(binary))) {
        throw new IllegalStateException(
            "PostgreSQL 15 server binaries are missing ("
                + BIN.resolve(binary)
                + " not found): install the Debian package postgresql-15"
                + " (apt-get install -y postgresql-15)");
      }
    }
  }

  private static Path createOwnedDirectory(String prefix) {
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
      run(List.of("chown", OS_USER, dir.toString()));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command to completion; a non-zero exit fails with its output. */
  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "exit " + process.exitValue() + " from " + String.join(" ", command) + ":\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(PostgresClusters::deleteQuietly);
    } catch (IOException e) {
      System.err.println("Could not delete " + dir + ": " + e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      System.err.println("Could not delete " + path + ": " + e);
    }
  }

  private record Cluster(int index, Path data, int port) {}
}
