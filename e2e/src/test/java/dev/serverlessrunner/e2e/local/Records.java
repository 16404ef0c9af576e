package dev.serverlessrunner.e2e.local;

import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.runner.recording.ShardRouter;
import dev.serverlessrunner.runner.testsupport.PostgresClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Execution records read straight from the shards' {@code executions} tables. */
public final class Records {

  /** One stored row and the shard it was found in. */
  public record Row(int shard, String function, String moduleDigest, String outcome) {}

  private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);

  private Records() {}

  /** The shard the runner's router assigns {@code id} to. */
  public static int shardOf(LocalPlatform platform, UUID id) {
    return new ShardRouter(platform.shards().size()).shardOf(id);
  }

  /** Waits until {@code id} is stored (records are written after the answer); exactly once. */
  public static Row awaitRow(LocalPlatform platform, UUID id) {
    List<Row> rows =
        await("record " + id)
            .atMost(RECORD_TIMEOUT)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> rows(platform.shards(), id), r -> !r.isEmpty());
    if (rows.size() != 1) {
      throw new AssertionError("execution " + id + " stored " + rows.size() + " times: " + rows);
    }
    return rows.getFirst();
  }

  /** Every row with {@code id}, in every shard. */
  public static List<Row> rows(PostgresClusters shards, UUID id) {
    List<Row> rows = new ArrayList<>();
    for (int shard = 0; shard < shards.size(); shard++) {
      String out =
          shards.psql(
              shard,
              "SELECT function || '|' || module_digest || '|' || outcome FROM executions WHERE id = '"
                  + id
                  + "'");
      for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
        String[] parts = line.split("\\|", 3);
        rows.add(new Row(shard, parts[0], parts[1], parts[2]));
      }
    }
    return rows;
  }

  /**
   * Waits until every one of {@code ids} is stored (the backlogs drain after the answers) and
   * asserts each has exactly one row across the shards.
   */
  public static void awaitEachStoredOnce(PostgresClusters shards, Collection<UUID> ids) {
    Map<UUID, Integer> counts =
        await(ids.size() + " answered executions stored")
            .atMost(DRAIN_TIMEOUT)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> countsById(shards), c -> c.keySet().containsAll(ids));
    List<String> wrong =
        ids.stream()
            .filter(id -> counts.get(id) != 1)
            .map(id -> id + " stored " + counts.get(id) + " times")
            .toList();
    if (!wrong.isEmpty()) {
      throw new AssertionError(wrong.size() + " executions not stored once: " + wrong);
    }
  }

  /** How many rows each id has across all shards (ids without rows are absent). */
  public static Map<UUID, Integer> countsById(PostgresClusters shards) {
    Map<UUID, Integer> counts = new HashMap<>();
    for (int shard = 0; shard < shards.size(); shard++) {
      shards
          .psql(shard, "SELECT id FROM executions")
          .lines()
          .filter(l -> !l.isBlank())
          .forEach(l -> counts.merge(UUID.fromString(l.strip()), 1, Integer::sum));
    }
    return counts;
  }
}
