package dev.serverlessrunner.runner.recording;

import dev.serverlessrunner.runner.recording.spool.SpoolConfig;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How execution records are batched and where they are written. Build with {@link #builder()};
 * every field but the shard list has a default.
 *
 * @param shards the shards, in routing order; their order and count must not change while records
 *     are kept, because {@link ShardRouter} finds a record by its index
 * @param maxRows a batch is flushed as soon as this many records are queued (default 500; measured
 *     gains stop near 1,000)
 * @param flushInterval a queued record waits at most about this long for its batch (default 50 ms)
 * @param maxInFlight batches written at once per shard (default 2: two fill both cores of a small
 *     database host); a batch waiting for a retry keeps its place
 * @param queueCapacity records per shard that may be reserved but not yet committed (default
 *     100,000); when full, new executions are refused before they run. A record holds up to ~2 KiB
 *     of snippet, so the worst case is ~220 MiB of heap per shard
 * @param retryBackoffMin the first retry delay of a failed flush (default 50 ms)
 * @param retryBackoffMax the longest retry delay (default 5 s)
 * @param connectTimeout TCP connect and pool acquire timeout (default 5 s)
 * @param probeInterval how often an idle shard is pinged to keep reachability fresh (default 2 s)
 * @param writeTimeout a connection that receives nothing for this long is closed (default 30 s): a
 *     batch stuck on a peer that vanished without a reset (a network partition, a frozen host) then
 *     fails and is retried instead of holding its in-flight place forever. Must exceed the longest
 *     legitimate batch insert
 * @param spool where records are spooled locally before their answer, so that they survive the
 *     process dying; null (the builder's default) spools nothing
 * @param spoolKey names this set of shards in the spool directory, so a spool is only replayed into
 *     the shards it was written for; null derives it from the shards' hosts, ports and databases
 * @param tracer makes a span of every batch write, linked to the invocation spans of the records it
 *     carries; null (the builder's default) makes none
 */
public record RecorderConfig(
    List<ShardConfig> shards,
    int maxRows,
    Duration flushInterval,
    int maxInFlight,
    int queueCapacity,
    Duration retryBackoffMin,
    Duration retryBackoffMax,
    Duration connectTimeout,
    Duration probeInterval,
    Duration writeTimeout,
    SpoolConfig spool,
    String spoolKey,
    Tracer tracer) {

  public static final int DEFAULT_MAX_ROWS = 500;
  public static final int DEFAULT_FLUSH_INTERVAL_MILLIS = 50;
  public static final Duration DEFAULT_FLUSH_INTERVAL =
      Duration.ofMillis(DEFAULT_FLUSH_INTERVAL_MILLIS);
  public static final int DEFAULT_MAX_IN_FLIGHT = 2;
  // 20,000 records per shard: at most 176 MiB of heap per shard at the largest record, which the
  // runner's heap check counts (runner/README.md, Heap budget); ~0.5 s at 37k req/s.
  public static final int DEFAULT_QUEUE_CAPACITY = 20_000;
  public static final Duration DEFAULT_RETRY_BACKOFF_MIN = Duration.ofMillis(50);
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

  public RecorderConfig {
    shards = List.copyOf(Objects.requireNonNull(shards, "shards"));
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("at least one shard is required");
    }
    if (shards.stream().map(ShardConfig::name).distinct().count() != shards.size()) {
      throw new IllegalArgumentException("shard names must be unique");
    }
    requirePositive("maxRows", maxRows);
    requirePositive("maxInFlight", maxInFlight);
    requirePositive("queueCapacity", queueCapacity);
    requirePositive("flushInterval", flushInterval);
    requirePositive("retryBackoffMin", retryBackoffMin);
    requirePositive("retryBackoffMax", retryBackoffMax);
    requirePositive("connectTimeout", connectTimeout);
    requirePositive("probeInterval", probeInterval);
    requirePositive("writeTimeout", writeTimeout);
    if (retryBackoffMax.compareTo(retryBackoffMin) < 0) {
      throw new IllegalArgumentException("retryBackoffMax must be >= retryBackoffMin");
    }
  }

  /** A builder with every default set and no shards. */
  public static Builder builder() {
    return new Builder();
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /** Builds a {@link RecorderConfig}. */
  public static final class Builder {
    private List<ShardConfig> shards = List.of();
    private int maxRows = DEFAULT_MAX_ROWS;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private Duration retryBackoffMin = DEFAULT_RETRY_BACKOFF_MIN;
    private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private SpoolConfig spool;
    private String spoolKey;
    private Tracer tracer;

    private Builder() {}

    public Builder shards(List<ShardConfig> shards) {
      this.shards = shards;
      return this;
    }

    /** Shards named {@code shard-0}, {@code shard-1}, … in the order given. */
    public Builder shardUris(List<String> uris) {
      this.shards =
          java.util.stream.IntStream.range(0, uris.size())
              .mapToObj(i -> ShardConfig.indexed(i, uris.get(i)))
              .toList();
      return this;
    }

    public Builder maxRows(int maxRows) {
      this.maxRows = maxRows;
      return this;
    }

    public Builder flushInterval(Duration flushInterval) {
      this.flushInterval = flushInterval;
      return this;
    }

    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    public Builder retryBackoff(Duration min, Duration max) {
      this.retryBackoffMin = min;
      this.retryBackoffMax = max;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder probeInterval(Duration probeInterval) {
      this.probeInterval = probeInterval;
      return this;
    }

    public Builder writeTimeout(Duration writeTimeout) {
      this.writeTimeout = writeTimeout;
      return this;
    }

    /** Spools every record in {@code spool} before its answer; null spools nothing. */
    public Builder spool(SpoolConfig spool) {
      this.spool = spool;
      return this;
    }

    /** Overrides the spool's shard-set key (e.g. for an embedded database on a random port). */
    public Builder spoolKey(String spoolKey) {
      this.spoolKey = spoolKey;
      return this;
    }

    /** Traces batch writes with {@code tracer}; null traces nothing. */
    public Builder tracer(Tracer tracer) {
      this.tracer = tracer;
      return this;
    }

    public RecorderConfig build() {
      return new RecorderConfig(
          shards,
          maxRows,
          flushInterval,
          maxInFlight,
          queueCapacity,
          retryBackoffMin,
          retryBackoffMax,
          connectTimeout,
          probeInterval,
          writeTimeout,
          spool,
          spoolKey,
          tracer);
    }
  }
}
