package dev.serverlessrunner.runner.recording.spool;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One spool file and how many of its records still wait for their row. Once sealed (no more
 * appends) and with nothing outstanding, it is handed to its deleter exactly once.
 *
 * <p>Threading: {@link #committed(int)} runs on shard event loops, {@link #appended} and {@link
 * #seal()} under the spool's file lock; the counter and flags are atomics.
 */
public final class Segment {

  private final Path path;
  private final Consumer<Segment> deleter;
  private final AtomicLong outstanding = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicBoolean sealed = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();

  Segment(Path path, Consumer<Segment> deleter) {
    this.path = path;
    this.deleter = deleter;
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** Bytes the file holds. */
  long bytes() {
    return bytes.get();
  }

  /** Records written to the file whose rows are not yet committed. */
  public long outstanding() {
    return outstanding.get();
  }

  void appended(int records, long byteCount) {
    outstanding.addAndGet(records);
    bytes.addAndGet(byteCount);
  }

  /** Called once the rows of {@code records} of this segment's records are committed. */
  public void committed(int records) {
    if (outstanding.addAndGet(-records) == 0 && sealed.get()) {
      release();
    }
  }

  /** No more appends: the file goes as soon as nothing is outstanding. */
  void seal() {
    sealed.set(true);
    if (outstanding.get() == 0) {
      release();
    }
  }

  private void release() {
    if (released.compareAndSet(false, true)) {
      deleter.accept(this);
    }
  }

  @Override
  public String toString() {
    return path.getFileName().toString();
  }
}
