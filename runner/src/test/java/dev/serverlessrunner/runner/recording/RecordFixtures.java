package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Builds records and reads back what the shards hold. */
final class RecordFixtures {

  private RecordFixtures() {}

  /** A record for {@code slot} whose fields vary with {@code n}. */
  static ExecutionRecord record(RecordSlot slot, int n) {
    boolean failed = n % 3 == 0;
    return ExecutionRecord.of(
        slot.id(),
        "fn-" + (n % 5),
        "sha256:" + "ab".repeat(32),
        failed ? null : n % 2,
        failed ? RecordedOutcome.TRAP : (n % 2 == 0 ? RecordedOutcome.OK : RecordedOutcome.EXIT),
        ("out " + n + " é€😀").getBytes(StandardCharsets.UTF_8),
        1000L + n,
        50_000L + n,
        failed ? "trap " + n : null,
        Instant.now());
  }

  /** Reserves and completes {@code count} records; returns their ids. */
  static List<UUID> submit(ExecutionRecorder recorder, int count) {
    List<UUID> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      RecordSlot slot = recorder.tryReserve().orElseThrow(() -> new AssertionError("refused"));
      slot.complete(record(slot, i));
      ids.add(slot.id());
    }
    return ids;
  }

  static long rows(PostgresClusters clusters, int shard) {
    return Long.parseLong(clusters.psql(shard, "SELECT count(*) FROM executions"));
  }

  static long totalRows(PostgresClusters clusters) {
    long total = 0;
    for (int i = 0; i < clusters.size(); i++) {
      total += rows(clusters, i);
    }
    return total;
  }

  /** Every id stored in shard {@code shard}. */
  static List<UUID> ids(PostgresClusters clusters, int shard) {
    String out = clusters.psql(shard, "SELECT id FROM executions");
    return out.isEmpty()
        ? List.of()
        : Arrays.stream(out.split("\n")).map(String::strip).map(UUID::fromString).toList();
  }

  /** Asserts each id is stored exactly once, on the shard the router names, and nothing else. */
  static void assertStoredExactlyOnceOnTheirShards(
      PostgresClusters clusters, ShardRouter router, List<UUID> expected) {
    List<UUID> all = new ArrayList<>();
    for (int shard = 0; shard < clusters.size(); shard++) {
      List<UUID> stored = ids(clusters, shard);
      int s = shard;
      assertThat(stored).allSatisfy(id -> assertThat(router.shardOf(id)).isEqualTo(s));
      all.addAll(stored);
    }
    assertThat(all).doesNotHaveDuplicates();
    assertThat(Set.copyOf(all)).isEqualTo(Set.copyOf(expected));
  }
}
