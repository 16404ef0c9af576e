package dev.serverlessrunner.runner.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardRouterTest {

  @Test
  void isAPureFunctionPinnedForever() {
    // Stored records are found again only through this function: these values must never change.
    ShardRouter router = new ShardRouter(3);
    assertThat(router.shardOf(UUID.fromString("01940000-0000-7000-8000-000000000000"))).isZero();
    assertThat(router.shardOf(UUID.fromString("01940000-0000-7000-8000-000000000001")))
        .isEqualTo(2);
    assertThat(router.shardOf(UUID.fromString("01940000-0000-7000-8000-000000000002"))).isZero();
    assertThat(router.shardOf(UUID.fromString("01940000-0000-7000-8000-000000000003")))
        .isEqualTo(2);
    assertThat(router.shardOf(UUID.fromString("01940000-0000-7000-bfff-ffffffffffff")))
        .isEqualTo(2);
    assertThat(router.shardOf(UUID.fromString("0194a1b2-c3d4-7e5f-9a6b-7c8d9e0f1a2b"))).isZero();
  }

  @Test
  void ignoresTheTimestamp() {
    ShardRouter router = new ShardRouter(5);
    UUID a = UUID.fromString("01940000-0000-7000-8123-456789abcdef");
    UUID b = UUID.fromString("0a940000-ffff-7000-8123-456789abcdef");
    assertThat(router.shardOf(a)).isEqualTo(router.shardOf(b));
  }

  @Test
  void spreadsConsecutiveIdsEvenly() {
    ShardRouter router = new ShardRouter(3);
    int[] counts = new int[3];
    int n = 30_000;
    for (int i = 0; i < n; i++) {
      counts[router.shardOf(ExecutionIds.next())]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(n / 3 - 600, n / 3 + 600);
    }
  }

  @Test
  void oneShardTakesEverything() {
    assertThat(new ShardRouter(1).shardOf(ExecutionIds.next())).isZero();
  }

  @Test
  void refusesZeroShards() {
    assertThatThrownBy(() -> new ShardRouter(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
