package dev.serverlessrunner.runner.http;

import dev.serverlessrunner.runner.config.RunnerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request-body bytes this runner may hold at once, over every connection. Bytes are reserved
 * before they are read (a declared Content-Length at admission, chunks as they arrive) and given
 * back when the guest that read them has finished, so many slow or stalled uploads can fill the
 * budget but never the heap.
 */
@Singleton
public class BodyBudget {

  private final long limit;
  private final AtomicLong held = new AtomicLong();

  @Inject
  public BodyBudget(RunnerConfig config, MeterRegistry registry) {
    this(limitBytes(config), registry);
  }

  /** {@code runner.http.body-budget-bytes}, by default an eighth of the heap. */
  public static long limitBytes(RunnerConfig config) {
    return config.http().bodyBudgetBytes().orElse(Runtime.getRuntime().maxMemory() / 8);
  }

  BodyBudget(long limit, MeterRegistry registry) {
    if (limit < 1) {
      throw new IllegalArgumentException(
          "runner.http.body-budget-bytes must be positive: " + limit);
    }
    this.limit = limit;
    Gauge.builder("runner.http.body.bytes.held", held, AtomicLong::get)
        .description("Request-body bytes reserved by requests being read or run")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("runner.http.body.bytes.budget", () -> limit)
        .description("Request-body bytes the runner may hold at once")
        .baseUnit("bytes")
        .register(registry);
  }

  /** Reserves {@code bytes}, or returns false (and reserves nothing) when they do not fit. */
  public boolean tryReserve(long bytes) {
    if (bytes <= 0) {
      return true;
    }
    long now;
    do {
      now = held.get();
      if (now + bytes > limit) {
        return false;
      }
    } while (!held.compareAndSet(now, now + bytes));
    return true;
  }

  /** Gives back bytes reserved earlier. */
  public void release(long bytes) {
    if (bytes > 0) {
      held.addAndGet(-bytes);
    }
  }

  /** Bytes reserved now. */
  public long held() {
    return held.get();
  }

  /** The budget, in bytes. */
  public long limit() {
    return limit;
  }
}
