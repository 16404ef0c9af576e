package dev.serverlessrunner.engine.sandbox;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Memory;
import dev.serverlessrunner.engine.load.WasiImports;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Replacement for WASI {@code poll_oneoff}, the only way a guest can sleep. A sleep holds a worker
 * thread while using no fuel, so it is bounded by the run's wall-clock deadline and measured: a
 * sleep that would end after the deadline is not started at all (the run ends at once as a timeout,
 * freeing the worker), and the time slept is reported with the result.
 *
 * <p>Clock subscriptions (realtime and monotonic, relative or absolute) wait; {@code fd_read} on
 * stdin and {@code fd_write} on stdout/stderr are ready at once (stdin is the request body, in
 * memory); any other descriptor gets an {@code EBADF} event. Every subscription and event is
 * bounds-checked against guest memory before it is read or written.
 */
final class GuestPoll {

  static final int EINVAL = 28;

  private static final int SUBSCRIPTION_SIZE = 48;
  private static final int EVENT_SIZE = 32;
  private static final byte CLOCK = 0;
  private static final byte FD_READ = 1;
  private static final byte FD_WRITE = 2;
  private static final int CLOCK_REALTIME = 0;
  private static final int CLOCK_MONOTONIC = 1;
  private static final int SUBSCRIPTION_CLOCK_ABSTIME = 1;

  private final long deadlineNanos;
  private final Duration timeout;
  private final IntSupplier stdinRemaining;
  private long sleptNanos;

  /**
   * @param deadlineNanos when the run's timeout passes, on the {@link System#nanoTime()} clock
   * @param timeout the run's timeout, for messages
   * @param stdinRemaining bytes of the request body the guest has not read yet
   */
  GuestPoll(long deadlineNanos, Duration timeout, IntSupplier stdinRemaining) {
    this.deadlineNanos = deadlineNanos;
    this.timeout = timeout;
    this.stdinRemaining = stdinRemaining;
  }

  /** Thrown into the guest when a requested sleep would end after the run's deadline. */
  static final class SleepPastDeadlineException extends ChicoryInterruptedException {
    SleepPastDeadlineException(String message) {
      super(message);
    }
  }

  /** Nanoseconds the guest spent asleep in {@code poll_oneoff} so far. */
  long sleptNanos() {
    return sleptNanos;
  }

  HostFunction hostFunction() {
    return new HostFunction(
        WasiImports.MODULE,
        "poll_oneoff",
        WasiImports.signatures().get("poll_oneoff"),
        (instance, args) ->
            new long[] {
              poll(instance.memory(), (int) args[0], (int) args[1], (int) args[2], (int) args[3])
            });
  }

  int poll(Memory memory, int in, int out, int nsubscriptions, int neventsPtr) {
    if (nsubscriptions <= 0) {
      return EINVAL;
    }
    long count = Integer.toUnsignedLong(nsubscriptions);
    if (!inBounds(memory, in, count * SUBSCRIPTION_SIZE)
        || !inBounds(memory, out, count * EVENT_SIZE)
        || !inBounds(memory, neventsPtr, 4)) {
      return GuestStdio.EFAULT;
    }
    // First pass: validate, and find the earliest clock. Nothing is written before all is valid.
    long now = System.nanoTime();
    long earliest = Long.MAX_VALUE;
    int ready = 0;
    for (int i = 0; i < nsubscriptions; i++) {
      int sub = in + i * SUBSCRIPTION_SIZE;
      byte tag = memory.read(sub + 8);
      if (tag == CLOCK) {
        long wait = relativeNanos(memory, sub);
        if (wait == Long.MIN_VALUE) {
          return EINVAL;
        }
        earliest = Math.min(earliest, Math.max(0, wait));
      } else if (tag == FD_READ || tag == FD_WRITE) {
        ready++;
      } else {
        return EINVAL;
      }
    }
    long slept = 0;
    if (ready == 0 && earliest > 0) {
      slept = sleep(earliest, now);
    }
    int events = 0;
    for (int i = 0; i < nsubscriptions; i++) {
      int sub = in + i * SUBSCRIPTION_SIZE;
      long userData = memory.readLong(sub);
      byte tag = memory.read(sub + 8);
      int event = out + events * EVENT_SIZE;
      if (tag == CLOCK) {
        if (Math.max(0, relativeNanosAt(memory, sub, now)) <= slept) {
          writeEvent(memory, event, userData, 0, tag, 0);
          events++;
        }
      } else {
        int fd = memory.readInt(sub + 16);
        int errno;
        long nbytes = 0;
        if (tag == FD_READ && fd == 0) {
          errno = GuestStdio.ESUCCESS;
          nbytes = stdinRemaining.getAsInt();
        } else if (tag == FD_WRITE && (fd == 1 || fd == 2)) {
          errno = GuestStdio.ESUCCESS;
        } else {
          errno = GuestStdio.EBADF;
        }
        writeEvent(memory, event, userData, errno, tag, nbytes);
        events++;
      }
    }
    memory.writeI32(neventsPtr, events);
    return GuestStdio.ESUCCESS;
  }

  /** The subscription's wait from now in nanoseconds; {@link Long#MIN_VALUE} for a bad clock. */
  private static long relativeNanos(Memory memory, int sub) {
    return relativeNanosAt(memory, sub, System.nanoTime());
  }

  private static long relativeNanosAt(Memory memory, int sub, long nowNanos) {
    int clock = memory.readInt(sub + 16);
    long timeout = memory.readLong(sub + 24);
    short flags = memory.readShort(sub + 40);
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) {
      return Long.MIN_VALUE;
    }
    if ((flags & SUBSCRIPTION_CLOCK_ABSTIME) == 0) {
      // WASI timestamps are unsigned: a "negative" one is a wait of centuries.
      return timeout < 0 ? Long.MAX_VALUE : timeout;
    }
    long current =
        clock == CLOCK_MONOTONIC
            ? nowNanos
            : TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    return timeout - current;
  }

  /**
   * Sleeps {@code nanos} from {@code start}, unless that would pass the deadline: then the run ends
   * at once, as waiting out the deadline would only hold the worker for nothing.
   */
  private long sleep(long nanos, long start) {
    long wakeAt = start + nanos;
    if (nanos >= deadlineNanos - start) {
      throw new SleepPastDeadlineException(
          "sleep of %d ms would pass the wall-clock timeout of %s"
              .formatted(TimeUnit.NANOSECONDS.toMillis(nanos), timeout));
    }
    try {
      long left;
      while ((left = wakeAt - System.nanoTime()) > 0) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
    } catch (InterruptedException e) {
      // The deadline watchdog (or the pool closing) interrupted the sleep; the flag is restored
      // so the sandbox reports why.
      Thread.currentThread().interrupt();
      throw new ChicoryInterruptedException("interrupted while asleep in poll_oneoff");
    } finally {
      sleptNanos += System.nanoTime() - start;
    }
    return System.nanoTime() - start;
  }

  private static void writeEvent(
      Memory memory, int event, long userData, int errno, byte type, long nbytes) {
    memory.fill((byte) 0, event, event + EVENT_SIZE);
    memory.writeLong(event, userData);
    memory.writeShort(event + 8, (short) errno);
    memory.writeByte(event + 10, type);
    memory.writeLong(event + 16, nbytes);
  }

  private static boolean inBounds(Memory memory, int address, long length) {
    long start = Integer.toUnsignedLong(address);
    return start + length <= (long) memory.pages() * Memory.PAGE_SIZE;
  }
}
