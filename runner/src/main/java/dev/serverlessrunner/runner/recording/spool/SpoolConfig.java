package dev.serverlessrunner.runner.recording.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how execution records are spooled to local disk before their answer is sent.
 *
 * @param dir the spool's root directory (the pod's emptyDir); each shard set and each running
 *     process gets its own subdirectory under it
 * @param segmentBytes a segment file is sealed and a new one started once it holds this many bytes
 *     (default 16 MiB); a sealed segment is deleted as soon as every record in it is committed
 * @param maxBytes spooled bytes not yet deleted beyond which new invocations are refused with 503
 *     (default 1 GiB)
 * @param fsync whether every group write is followed by an fsync: off, a record survives the
 *     process dying (SIGKILL, out of memory) but not the node losing power; on, it survives both,
 *     at the cost of one fsync per group
 * @param failureBackoff after a write fails (disk full, I/O error), new invocations are refused for
 *     this long before the spool is tried again (default 1 s)
 */
public record SpoolConfig(
    Path dir, long segmentBytes, long maxBytes, boolean fsync, Duration failureBackoff) {

  public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  public static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofSeconds(1);

  public SpoolConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(failureBackoff, "failureBackoff");
    if (segmentBytes < 4096) {
      throw new IllegalArgumentException("segmentBytes must be >= 4096, got " + segmentBytes);
    }
    if (maxBytes < segmentBytes) {
      throw new IllegalArgumentException(
          "maxBytes (" + maxBytes + ") must be >= segmentBytes (" + segmentBytes + ")");
    }
  }

  /** A spool in {@code dir} with every other setting at its default. */
  public static SpoolConfig in(Path dir) {
    return new SpoolConfig(
        dir, DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_BYTES, false, DEFAULT_FAILURE_BACKOFF);
  }

  public SpoolConfig withSegmentBytes(long segmentBytes) {
    return new SpoolConfig(
        dir, segmentBytes, Math.max(maxBytes, segmentBytes), fsync, failureBackoff);
  }

  public SpoolConfig withMaxBytes(long maxBytes) {
    return new SpoolConfig(dir, segmentBytes, maxBytes, fsync, failureBackoff);
  }

  public SpoolConfig withFsync(boolean fsync) {
    return new SpoolConfig(dir, segmentBytes, maxBytes, fsync, failureBackoff);
  }
}
