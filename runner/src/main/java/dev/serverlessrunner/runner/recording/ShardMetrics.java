package dev.serverlessrunner.runner.recording;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/** The Micrometer meters of one shard, all named {@code runner.records.*} and tagged by shard. */
final class ShardMetrics {

  static final String PREFIX = "runner.records.";

  final DistributionSummary batchSize;
  final Timer flushLatency;
  final Counter retries;
  final Counter written;
  final Counter dropped;

  ShardMetrics(
      MeterRegistry registry,
      String shard,
      Supplier<Number> backlog,
      int backlogCapacity,
      Supplier<Number> queued,
      Supplier<Number> up) {
    Tags tags = Tags.of("shard", shard);
    Gauge.builder(PREFIX + "backlog", backlog)
        .tags(tags)
        .description("Records reserved or queued but not yet committed")
        .register(registry);
    Gauge.builder(PREFIX + "backlog.capacity", () -> backlogCapacity)
        .tags(tags)
        .description("Records the backlog holds at most (queueCapacity); when full, 503")
        .register(registry);
    Gauge.builder(PREFIX + "queue.depth", queued)
        .tags(tags)
        .description("Records waiting for a batch")
        .register(registry);
    Gauge.builder(PREFIX + "shard.up", up)
        .tags(tags)
        .description("1 when the shard answered its last write or probe, else 0")
        .register(registry);
    batchSize =
        DistributionSummary.builder(PREFIX + "batch.size")
            .tags(tags)
            .description("Rows per batch insert")
            .register(registry);
    flushLatency =
        Timer.builder(PREFIX + "flush.latency")
            .tags(tags)
            .description("Time of one successful batch insert")
            .register(registry);
    retries =
        Counter.builder(PREFIX + "retries")
            .tags(tags)
            .description("Failed batch inserts that were scheduled for retry")
            .register(registry);
    written =
        Counter.builder(PREFIX + "written")
            .tags(tags)
            .description("Records committed")
            .register(registry);
    dropped =
        Counter.builder(PREFIX + "dropped")
            .tags(tags)
            .description("Records never written (only at a shutdown that timed out); must stay 0")
            .register(registry);
  }
}
