package dev.serverlessrunner.runner.recording;

import java.util.UUID;

/**
 * Maps an execution id to the shard that stores it.
 *
 * <p>A pure function of the id's random bits (the low 62 bits of a UUIDv7), never its timestamp, so
 * consecutive executions spread over all shards. The bits are mixed first because a UUIDv7
 * generator may increment them within a millisecond (ours drew them afresh only later; records
 * written before must still be found). This function must never change, and the shard list must
 * keep its order and length: {@code GET /executions/{id}} finds a record again only through it.
 */
public final class ShardRouter {

  private static final long RANDOM_BITS = 0x3FFF_FFFF_FFFF_FFFFL;

  private final int shardCount;

  /** A router over {@code shardCount} shards. */
  public ShardRouter(int shardCount) {
    if (shardCount < 1) {
      throw new IllegalArgumentException("at least one shard is required, got " + shardCount);
    }
    this.shardCount = shardCount;
  }

  /** How many shards this router spreads over. */
  public int shardCount() {
    return shardCount;
  }

  /** The index in {@code [0, shardCount)} of the shard that stores {@code id}. */
  public int shardOf(UUID id) {
    long mixed = mix(id.getLeastSignificantBits() & RANDOM_BITS);
    return (int) Long.remainderUnsigned(mixed, shardCount);
  }

  /** The 64-bit finaliser of MurmurHash3: every input bit affects every output bit. */
  private static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
