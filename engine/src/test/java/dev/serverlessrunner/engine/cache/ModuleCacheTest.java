package dev.serverlessrunner.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serverlessrunner.engine.load.CompilationMode;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.engine.load.ModuleLoader;
import dev.serverlessrunner.engine.load.ModulePolicy;
import dev.serverlessrunner.guests.Guests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The module cache: shared results, one compile per digest, weight-bounded, metered. */
@Timeout(60)
class ModuleCacheTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ModuleLoader loader =
      new ModuleLoader(ModulePolicy.DEFAULTS, CompilationMode.COMPILED, registry);

  @Test
  void secondLoadOfTheSameBytesIsAHitReturningTheSameModule() {
    ModuleCache cache = new ModuleCache(loader, 64L << 20, registry);

    LoadedModule first = cache.load(Guests.bytes("greeter"));
    LoadedModule second = cache.load(Guests.bytes("greeter"));

    assertThat(second).isSameAs(first);
    assertThat(meter("cache.gets", "result", "hit")).isEqualTo(1);
    assertThat(meter("cache.gets", "result", "miss")).isEqualTo(1);
  }

  @Test
  void concurrentLoadsOfOneDigestCompileOnce() throws Exception {
    ModuleCache cache = new ModuleCache(loader, 64L << 20, registry);
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<LoadedModule>> loads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      loads.add(
          CompletableFuture.supplyAsync(
              () -> {
                awaitQuietly(start);
                return cache.load(Guests.bytes("sha256-loop"));
              }));
    }
    start.countDown();

    LoadedModule first = loads.get(0).get();
    for (CompletableFuture<LoadedModule> load : loads) {
      assertThat(load.get()).isSameAs(first);
    }
    assertThat(registry.get("runner.engine.modules.load").timer().count()).isEqualTo(1);
  }

  @Test
  void weightBoundEvictsOlderModules() {
    LoadedModule probe = loader.load(Guests.bytes("greeter"));
    ModuleCache cache = new ModuleCache(loader, probe.weightBytes() * 2, registry);

    for (String guest : List.of("greeter", "fib", "echo", "sha256-loop")) {
      cache.load(Guests.bytes(guest));
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(meter("cache.evictions")).isPositive());
    assertThat(cache.weightBytes()).isLessThanOrEqualTo(probe.weightBytes() * 2);
  }

  private double meter(String name, String... tags) {
    var search = registry.find(name).tag("cache", "runner.engine.modules");
    if (tags.length == 2) {
      search = search.tag(tags[0], tags[1]);
    }
    var counter = search.functionCounter();
    return counter != null ? counter.count() : search.counter().count();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
