package dev.serverlessrunner.runner.recording.spool;

import dev.serverlessrunner.runner.recording.ExecutionRecord;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * An append-only local file of execution records, written before their answer is sent so that a
 * record survives the process dying (SIGKILL, out of memory) before its row is committed.
 *
 * <p>Without {@link SpoolConfig#fsync()} (the default) the thread that finished the execution
 * writes its record itself, under a lock, with one {@code write} into the kernel's page cache (a
 * copy of a few hundred bytes, about a microsecond), and goes on to answer. A process crash keeps
 * what was written; only losing the node (power, kernel) loses it. Handing records to a writer
 * thread instead was measured to cost more than the write: that thread then also completed every
 * answer, one after another (bench/results/load/spool).
 *
 * <p>With fsync, group commit: a request thread frames its record and queues it; one writer thread
 * takes everything queued, writes it with one {@code write} and one {@code fsync}, then completes
 * each record's future, on which the answer waits. Under load a group holds many records, so the
 * fsyncs per request fall as the rate rises, and no execution thread waits on the disk.
 *
 * <p>Layout: {@code <dir>/<shard set key>/<slot>/segment-<n>.spool}. The key keeps records of one
 * set of shards apart from another's (a spool is only ever replayed into the shards it was written
 * for). A process locks the first free slot (an OS lock, released when the process dies however it
 * dies); several runners on one machine thus never share a slot, and a runner adopts the segments
 * of every unlocked slot of its shard set at start, so nothing a dead process left is orphaned.
 *
 * <p>Segments roll at {@link SpoolConfig#segmentBytes()}; a sealed segment is deleted once every
 * record in it is committed ({@link Segment#committed(int)}).
 */
public final class RecordSpool implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RecordSpool.class);
  private static final byte[] MAGIC = "SRSPOOL1".getBytes(StandardCharsets.US_ASCII);
  private static final String PREFIX = "segment-";
  private static final String SUFFIX = ".spool";
  private static final int WRITE_BUFFER_BYTES = 1 << 20;
  private static final String METRIC_PREFIX = "runner.records.";

  private final SpoolConfig config;
  private final Path slotDir;
  private final List<FileLock> locks;
  private final List<ReplaySegment> replay;
  private final ExecutorService deleter;
  private final AtomicLong bytes = new AtomicLong();
  // Counted here and read at scrape time: replay counts before the metrics registries are wired.
  private final AtomicLong spooled = new AtomicLong();
  private final AtomicLong replayed = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  /** Records waiting for the next group write; {@link #CLOSE} ends the writer. */
  private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();

  private static final Entry CLOSE = new Entry(new byte[0]);

  private final Thread writer;

  /** After a failed write, refuse until this {@link System#nanoTime()}; 0 when healthy. */
  private volatile long failedUntilNanos;

  private volatile String lastFailure = "";
  private volatile boolean closed;

  /**
   * Guards the file state below: held by the writer thread around a group (fsync mode), by the
   * appending thread around its write (no fsync), and by {@link #close()} when it seals the file.
   */
  private final Object fileLock = new Object();

  // Under fileLock only.
  private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
  private long nextSequence;
  private Segment current;
  private FileChannel channel;

  /** One record on its way to the file, and the future its answer waits on. */
  private static final class Entry {
    final byte[] frame;
    final CompletableFuture<Segment> written = new CompletableFuture<>();

    Entry(byte[] frame) {
      this.frame = frame;
    }
  }

  private RecordSpool(
      SpoolConfig config,
      Path slotDir,
      List<FileLock> locks,
      List<Path> leftovers,
      long nextSequence,
      MeterRegistry registry) {
    this.config = config;
    this.slotDir = slotDir;
    this.locks = locks;
    this.nextSequence = nextSequence;
    this.deleter =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread thread = new Thread(r, "record-spool-cleaner");
              thread.setDaemon(true);
              return thread;
            });
    FunctionCounter.builder(METRIC_PREFIX + "spooled", spooled, AtomicLong::get)
        .description("Records written to the local spool before their answer")
        .register(registry);
    FunctionCounter.builder(METRIC_PREFIX + "replayed", replayed, AtomicLong::get)
        .description("Records read back from the spool at start and handed to their shard")
        .register(registry);
    FunctionCounter.builder(METRIC_PREFIX + "spool.failures", failures, AtomicLong::get)
        .description("Group writes to the spool that failed (their requests got 503)")
        .register(registry);
    Gauge.builder(METRIC_PREFIX + "spool.bytes", bytes, AtomicLong::get)
        .description("Bytes of spool files not yet deleted (each deleted once all its rows commit)")
        .register(registry);
    Gauge.builder(METRIC_PREFIX + "spool.capacity", config::maxBytes)
        .description("Spool bytes beyond which new invocations get 503 (spool max-bytes)")
        .baseUnit("bytes")
        .register(registry);
    this.replay = leftovers.stream().map(this::read).toList();
    this.writer = new Thread(this::writeLoop, "record-spool-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Opens the spool of the shard set {@code key} under {@link SpoolConfig#dir()}: locks a slot of
   * its own and reads what earlier processes left in every unlocked slot of that key.
   *
   * @throws UncheckedIOException when the directory cannot be created or locked
   */
  public static RecordSpool open(SpoolConfig config, String key, MeterRegistry registry) {
    Path keyDir = config.dir().resolve(key);
    try {
      Files.createDirectories(keyDir);
      List<FileLock> locks = new ArrayList<>();
      List<Path> leftovers = new ArrayList<>();
      Path own = null;
      long nextSequence = 0;
      for (int slot = 0;
          own == null || Files.isDirectory(keyDir.resolve(Integer.toString(slot)));
          slot++) {
        Path dir = keyDir.resolve(Integer.toString(slot));
        Files.createDirectories(dir);
        FileLock lock = tryLock(dir);
        if (lock == null) {
          continue; // a live runner's slot
        }
        List<Path> segments = segments(dir);
        if (own == null) {
          own = dir;
          locks.add(lock);
          nextSequence = segments.isEmpty() ? 0 : sequenceOf(segments.getLast()) + 1;
        } else if (!segments.isEmpty()) {
          locks.add(lock); // adopted until this process ends
        } else {
          lock.release();
          lock.channel().close();
          continue;
        }
        leftovers.addAll(segments);
      }
      LOG.infof(
          "Execution record spool in %s (fsync %s); %d segments left by an earlier process",
          own, config.fsync() ? "on" : "off", leftovers.size());
      return new RecordSpool(config, own, locks, leftovers, nextSequence, registry);
    } catch (IOException e) {
      throw new UncheckedIOException("could not open the execution record spool in " + keyDir, e);
    }
  }

  private static FileLock tryLock(Path dir) throws IOException {
    FileChannel lockFile =
        FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = lockFile.tryLock();
      if (lock == null) {
        lockFile.close();
      }
      return lock;
    } catch (OverlappingFileLockException e) {
      // Held by another recorder of this same JVM.
      lockFile.close();
      return null;
    }
  }

  private static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(PREFIX))
          .filter(p -> p.getFileName().toString().endsWith(SUFFIX))
          .sorted()
          .toList();
    }
  }

  private static long sequenceOf(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
  }

  /** The records left by earlier processes, read at {@link #open}; empty when there were none. */
  public List<ReplaySegment> replay() {
    return replay;
  }

  /** Counts records handed back to their shards at start. */
  public void countReplayed(int records) {
    replayed.addAndGet(records);
  }

  private ReplaySegment read(Path path) {
    Segment segment = new Segment(path, this::delete);
    try {
      byte[] content = Files.readAllBytes(path);
      bytes.addAndGet(content.length);
      segment.appended(0, content.length);
      List<ExecutionRecord> records = new ArrayList<>();
      ByteBuffer buffer = ByteBuffer.wrap(content);
      if (content.length >= MAGIC.length
          && Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
        buffer.position(MAGIC.length);
        ExecutionRecord record;
        while ((record = RecordFrames.next(buffer)) != null) {
          records.add(record);
        }
      }
      long torn = buffer.remaining();
      if (torn > 0) {
        LOG.warnf(
            "Spool segment %s: %d bytes after its last complete record ignored (a write cut short"
                + " by a crash or a full disk; such a record was never answered)",
            path, torn);
      }
      segment.appended(records.size(), 0);
      // Sealed from the start: deleted once its last record commits (at once when it has none).
      segment.seal();
      return new ReplaySegment(segment, List.copyOf(records), torn);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read spool segment " + path, e);
    }
  }

  /**
   * Why new invocations must be refused now (the spool is over {@link SpoolConfig#maxBytes()}, its
   * last write failed less than {@link SpoolConfig#failureBackoff()} ago, or it is closed), or
   * empty when it takes records.
   */
  public Optional<String> refusal() {
    long failedUntil = failedUntilNanos;
    if (failedUntil != 0 && System.nanoTime() - failedUntil < 0) {
      return Optional.of("record spool write failed: " + lastFailure);
    }
    if (bytes.get() >= config.maxBytes()) {
      return Optional.of(
          "record spool full (" + config.maxBytes() + " bytes wait for their rows to commit)");
    }
    if (closed) {
      return Optional.of("record spool closed");
    }
    return Optional.empty();
  }

  /**
   * Writes {@code record} to the spool: at once on this thread without fsync, else queued for the
   * writer's next group write and fsync.
   *
   * @return completes once the record is in the file (the page cache; on disk too with fsync) —
   *     already complete on return without fsync, else on the spool's writer thread — with the
   *     segment holding it, to be told through {@link Segment#committed(int)} when its row is
   *     committed; or fails with {@link SpoolException} when it could not be written, and then the
   *     record must not be answered as safe. With fsync, dependent actions must be quick: they
   *     delay the next group.
   */
  public CompletableFuture<Segment> append(ExecutionRecord record) {
    Entry entry = new Entry(RecordFrames.frame(record));
    if (closed) {
      entry.written.completeExceptionally(new SpoolException("record spool closed"));
      return entry.written;
    }
    if (!config.fsync()) {
      // Written now, on this thread: the returned future is already complete, so what the caller
      // chains on it runs here, not on a shared writer thread.
      synchronized (fileLock) {
        if (closed) {
          entry.written.completeExceptionally(new SpoolException("record spool closed"));
        } else {
          writeGroup(List.of(entry));
        }
      }
      return entry.written;
    }
    queue.add(entry);
    return entry.written;
  }

  private void writeLoop() {
    List<Entry> group = new ArrayList<>();
    while (true) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(group);
      boolean closing = group.remove(CLOSE);
      try {
        synchronized (fileLock) {
          writeGroup(group);
        }
      } catch (RuntimeException e) {
        // A bug, not the disk: the group's answers still must not wait forever, nor claim safety.
        LOG.error("spool writer failed on a group of " + group.size() + " records", e);
        SpoolException failure = new SpoolException("record spool writer failed: " + e);
        group.forEach(entry -> entry.written.completeExceptionally(failure));
      }
      group.clear();
      if (closing) {
        return;
      }
    }
  }

  /** Writes a group in one go (holding {@link #fileLock}) and completes its futures. */
  private void writeGroup(List<Entry> group) {
    if (group.isEmpty()) {
      return;
    }
    long written = 0;
    try {
      if (current == null || current.bytes() >= config.segmentBytes()) {
        roll();
      }
      writeBuffer.clear();
      for (Entry entry : group) {
        if (writeBuffer.remaining() < entry.frame.length) {
          written += drainBuffer();
        }
        if (entry.frame.length > writeBuffer.capacity()) {
          written += writeFully(ByteBuffer.wrap(entry.frame));
        } else {
          writeBuffer.put(entry.frame);
        }
      }
      written += drainBuffer();
      if (config.fsync()) {
        channel.force(false);
      }
    } catch (IOException e) {
      failed(group, e, written);
      return;
    }
    Segment segment = current;
    segment.appended(group.size(), written);
    bytes.addAndGet(written);
    spooled.addAndGet(group.size());
    for (Entry entry : group) {
      entry.written.complete(segment);
    }
  }

  private long drainBuffer() throws IOException {
    writeBuffer.flip();
    long written = writeFully(writeBuffer);
    writeBuffer.clear();
    return written;
  }

  private long writeFully(ByteBuffer buffer) throws IOException {
    long written = 0;
    while (buffer.hasRemaining()) {
      written += channel.write(buffer);
    }
    return written;
  }

  /**
   * A failed group: its callers answer 503 (their records still go to the database from memory).
   * The segment is cut back to its last complete record and sealed, so later records never follow a
   * torn one, and new invocations are refused for a while.
   */
  private void failed(List<Entry> group, IOException cause, long partiallyWritten) {
    failures.incrementAndGet();
    lastFailure = cause.toString();
    failedUntilNanos = System.nanoTime() + config.failureBackoff().toNanos();
    LOG.errorf(
        "Could not write %d execution records to the spool in %s: %s; refusing new invocations"
            + " for %d ms",
        group.size(), slotDir, cause, config.failureBackoff().toMillis());
    SpoolException failure =
        new SpoolException("record spool write failed: " + cause.getMessage(), cause);
    if (current != null) {
      Segment segment = current;
      try {
        channel.truncate(segment.bytes());
      } catch (IOException e) {
        LOG.debugf(
            "could not cut back spool segment %s (%d bytes of the group written): %s",
            segment, partiallyWritten, e);
      }
      closeCurrent();
    }
    for (Entry entry : group) {
      entry.written.completeExceptionally(failure);
    }
  }

  private void roll() throws IOException {
    if (current != null) {
      closeCurrent();
    }
    Path path = slotDir.resolve(String.format("%s%020d%s", PREFIX, nextSequence++, SUFFIX));
    FileChannel opened =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      writeFullyTo(opened, ByteBuffer.wrap(MAGIC));
    } catch (IOException e) {
      opened.close();
      Files.deleteIfExists(path);
      throw e;
    }
    channel = opened;
    current = new Segment(path, this::delete);
    current.appended(0, MAGIC.length);
    bytes.addAndGet(MAGIC.length);
  }

  private static void writeFullyTo(FileChannel target, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      target.write(buffer);
    }
  }

  /** Seals the current segment (holding {@link #fileLock}). */
  private void closeCurrent() {
    Segment segment = current;
    current = null;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warnf("could not close spool segment %s: %s", segment, e);
    }
    channel = null;
    segment.seal();
  }

  private void delete(Segment segment) {
    try {
      deleter.execute(
          () -> {
            try {
              Files.deleteIfExists(segment.path());
              bytes.addAndGet(-segment.bytes());
            } catch (IOException e) {
              LOG.warnf("could not delete committed spool segment %s: %s", segment.path(), e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Closing: the file stays; its records, all committed, would only be written again.
      LOG.debugf("spool closed before %s could be deleted", segment);
    }
  }

  /** Bytes of spool files not yet deleted. */
  public long bytes() {
    return bytes.get();
  }

  /** This process's own slot directory. */
  public Path directory() {
    return slotDir;
  }

  /**
   * Seals the current segment and releases the slot. Segments whose records are all committed are
   * deleted; the others stay, and the next process on this spool writes them again.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Whatever was queued before is still written; the writer ends after it.
    queue.add(CLOSE);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.warn("spool writer still busy after 10 s; closing without it");
      writer.interrupt();
    } else {
      synchronized (fileLock) {
        if (current != null) {
          closeCurrent();
        }
      }
    }
    deleter.shutdown();
    try {
      if (!deleter.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("spool segment deletions still running after 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (FileLock lock : locks) {
      try {
        lock.release();
        lock.channel().close();
      } catch (IOException e) {
        LOG.debugf("could not release spool lock: %s", e);
      }
    }
    LOG.infof("Execution record spool closed; %d bytes remain in %s", bytes.get(), slotDir);
  }
}
