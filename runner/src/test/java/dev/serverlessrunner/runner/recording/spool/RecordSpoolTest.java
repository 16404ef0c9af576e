package dev.serverlessrunner.runner.recording.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.runner.recording.ExecutionIds;
import dev.serverlessrunner.runner.recording.ExecutionRecord;
import dev.serverlessrunner.runner.recording.RecordedOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spool's files on a real filesystem: what one process appends, the next one reads back. */
@Timeout(60)
class RecordSpoolTest {

  private static final String KEY = "shards-test";

  @TempDir Path dir;

  private RecordSpool open(SpoolConfig config) {
    return RecordSpool.open(config, KEY, new SimpleMeterRegistry());
  }

  private static ExecutionRecord record(int n) {
    boolean failed = n % 3 == 0;
    return ExecutionRecord.of(
            ExecutionIds.next(),
            "fn-" + n,
            "sha256:" + "cd".repeat(32),
            failed ? null : n % 2,
            failed ? RecordedOutcome.TRAP : RecordedOutcome.OK,
            ("out " + n + " é€😀").getBytes(StandardCharsets.UTF_8),
            1000L + n,
            50_000L + n,
            failed ? "trap " + n : null,
            Instant.now())
        .withSleepUs(n % 5 == 0 ? 0 : 7L * n);
  }

  private static List<ExecutionRecord> append(RecordSpool spool, int count) throws Exception {
    List<ExecutionRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ExecutionRecord record = record(i);
      write(spool, record);
      records.add(record);
    }
    return records;
  }

  /** Appends and waits until the record is in the file, as a request does before its answer. */
  private static Segment write(RecordSpool spool, ExecutionRecord record) throws SpoolException {
    try {
      return spool.append(record).get();
    } catch (ExecutionException e) {
      throw (SpoolException) e.getCause();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<ExecutionRecord> replayed(RecordSpool spool) {
    return spool.replay().stream().flatMap(s -> s.records().stream()).toList();
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".spool"))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    }
  }

  @Test
  void recordsLeftUncommittedAreReadBackWithEveryFieldByTheNextProcess() throws Exception {
    List<ExecutionRecord> written;
    try (RecordSpool first = open(SpoolConfig.in(dir))) {
      written = append(first, 50);
    }
    try (RecordSpool next = open(SpoolConfig.in(dir))) {
      assertThat(replayed(next)).containsExactlyElementsOf(written);
    }
  }

  /** Without fsync each caller writes under the file lock; with it, the writer groups them. */
  @ParameterizedTest(name = "fsync {0}")
  @ValueSource(booleans = {false, true})
  void concurrentAppendsAllReachTheFile(boolean fsync) throws Exception {
    List<ExecutionRecord> written = new ArrayList<>();
    try (RecordSpool spool = open(SpoolConfig.in(dir).withFsync(fsync))) {
      ExecutorService threads = Executors.newFixedThreadPool(8);
      List<Future<ExecutionRecord>> appends = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        ExecutionRecord record = record(i);
        appends.add(
            threads.submit(
                () -> {
                  write(spool, record);
                  return record;
                }));
      }
      for (Future<ExecutionRecord> append : appends) {
        written.add(append.get());
      }
      threads.shutdown();
    }
    try (RecordSpool next = open(SpoolConfig.in(dir))) {
      assertThat(replayed(next)).containsExactlyInAnyOrderElementsOf(written);
    }
  }

  @Test
  void segmentsRollOverAndEachIsDeletedOnceAllItsRecordsCommit() throws Exception {
    try (RecordSpool spool = open(SpoolConfig.in(dir).withSegmentBytes(4096))) {
      List<Segment> segments = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        segments.add(write(spool, record(i)));
      }
      List<Segment> distinct = segments.stream().distinct().toList();
      assertThat(distinct).hasSizeGreaterThan(5);
      assertThat(segmentFiles()).hasSize(distinct.size());

      Segment first = distinct.getFirst();
      first.committed((int) segments.stream().filter(s -> s == first).count() - 1);
      assertThat(first.path()).exists();
      first.committed(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(first.path()));

      for (Segment segment : distinct.subList(1, distinct.size())) {
        segment.committed((int) segments.stream().filter(s -> s == segment).count());
      }
      // The last segment is still being written: it stays until it is sealed (at close).
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> segmentFiles().equals(List.of(distinct.getLast().path())));
    }
    assertThat(segmentFiles()).isEmpty();
  }

  @Test
  void tornLastRecordIsIgnoredAndTheCompleteOnesAreReplayed() throws Exception {
    List<ExecutionRecord> written;
    try (RecordSpool first = open(SpoolConfig.in(dir))) {
      written = append(first, 10);
    }
    Path segment = segmentFiles().getLast();
    // A write cut short: the last record loses its final bytes.
    try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      file.truncate(file.size() - 7);
    }
    try (RecordSpool next = open(SpoolConfig.in(dir))) {
      assertThat(replayed(next)).containsExactlyElementsOf(written.subList(0, 9));
      assertThat(next.replay().getFirst().tornBytes()).isPositive();
    }
  }

  @Test
  void garbageAfterTheLastRecordIsIgnored() throws Exception {
    List<ExecutionRecord> written;
    try (RecordSpool first = open(SpoolConfig.in(dir))) {
      written = append(first, 5);
    }
    Files.write(segmentFiles().getLast(), new byte[4096], StandardOpenOption.APPEND);
    try (RecordSpool next = open(SpoolConfig.in(dir))) {
      assertThat(replayed(next)).containsExactlyElementsOf(written);
    }
  }

  @Test
  void aReplayedSegmentIsDeletedOnceEveryRecordInItCommits() throws Exception {
    try (RecordSpool first = open(SpoolConfig.in(dir))) {
      append(first, 20);
    }
    try (RecordSpool next = open(SpoolConfig.in(dir))) {
      ReplaySegment left = next.replay().getFirst();
      left.segment().committed(19);
      assertThat(left.segment().path()).exists();
      left.segment().committed(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(left.segment().path()));
    }
    try (RecordSpool third = open(SpoolConfig.in(dir))) {
      assertThat(third.replay()).isEmpty();
    }
  }

  @Test
  void twoLiveSpoolsOfOneShardSetNeverShareASlot() throws Exception {
    try (RecordSpool a = open(SpoolConfig.in(dir));
        RecordSpool b = open(SpoolConfig.in(dir))) {
      assertThat(a.directory()).isNotEqualTo(b.directory());
      append(a, 3);
      append(b, 4);
    }
    // A later process adopts what both left.
    try (RecordSpool next = open(SpoolConfig.in(dir))) {
      assertThat(replayed(next)).hasSize(7);
    }
  }

  @Test
  void aFullSpoolRefusesUntilCommittedSegmentsAreDeleted() throws Exception {
    try (RecordSpool spool = open(SpoolConfig.in(dir).withSegmentBytes(4096).withMaxBytes(8192))) {
      List<Segment> segments = new ArrayList<>();
      while (spool.refusal().isEmpty()) {
        segments.add(write(spool, record(segments.size())));
      }
      assertThat(spool.refusal()).get().asString().contains("record spool full");
      for (Segment segment : segments.stream().distinct().toList()) {
        segment.committed((int) segments.stream().filter(s -> s == segment).count());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> spool.refusal().isEmpty());
    }
  }

  @Test
  void aFailedWriteFailsTheAppendAndRefusesForAWhile() throws Exception {
    try (RecordSpool spool = open(SpoolConfig.in(dir).withSegmentBytes(4096))) {
      Segment first = write(spool, record(0));
      // The slot directory vanishes (a volume gone bad): the next segment cannot be created.
      try (Stream<Path> files = Files.list(spool.directory())) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(spool.directory());
      assertThatThrownBy(
              () -> {
                Segment current = first;
                while (current == first) {
                  current = write(spool, record(1));
                }
              })
          .isInstanceOf(SpoolException.class);
      assertThat(spool.refusal()).get().asString().contains("record spool write failed");
    }
  }

  @ParameterizedTest(name = "fsync {0}")
  @ValueSource(booleans = {false, true})
  void aFullDiskFailsTheAppendAndKeepsEveryCompleteRecordReadable(boolean fsync) throws Exception {
    Path small = Files.createDirectories(dir.resolve("small"));
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString())
            .redirectErrorStream(true)
            .start();
    assumeThat(mount.waitFor()).as("a tmpfs can be mounted (root)").isZero();
    try {
      List<ExecutionRecord> written = new ArrayList<>();
      try (RecordSpool spool =
          open(SpoolConfig.in(small).withSegmentBytes(1 << 20).withFsync(fsync))) {
        assertThatThrownBy(
                () -> {
                  for (int i = 0; ; i++) {
                    ExecutionRecord record = record(i);
                    write(spool, record);
                    written.add(record);
                  }
                })
            .isInstanceOf(SpoolException.class)
            .hasMessageContaining("No space left on device");
        assertThat(spool.refusal()).isPresent();
      }
      try (RecordSpool next = open(SpoolConfig.in(small))) {
        assertThat(replayed(next)).containsExactlyElementsOf(written);
      }
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }
}
