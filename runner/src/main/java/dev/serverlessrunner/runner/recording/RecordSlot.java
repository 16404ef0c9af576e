package dev.serverlessrunner.runner.recording;

import dev.serverlessrunner.runner.recording.spool.RecordSpool;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A reserved place for one execution's record in the backlog of the shard that owns {@link #id()}.
 *
 * <p>Contract: every slot is settled exactly once — by {@link #complete}, {@link #completeDurably}
 * or {@link #release} — otherwise its capacity leaks and shutdown waits for it until its timeout.
 * Use try-with-resources: {@link #close()} releases a slot that was not completed, so an execution
 * that failed before producing a record does not leak. Settle with a record whenever the guest ran,
 * even if it failed (record an {@link RecordedOutcome#ERROR}): release only when nothing executed.
 */
public final class RecordSlot implements AutoCloseable {

  private final UUID id;
  private final ShardWriter shard;
  private final RecordSpool spool;
  private final AtomicBoolean settled = new AtomicBoolean();

  RecordSlot(UUID id, ShardWriter shard, RecordSpool spool) {
    this.id = id;
    this.shard = shard;
    this.spool = spool;
  }

  /** The execution id (UUIDv7) the record must carry; report it as {@code X-Execution-Id}. */
  public UUID id() {
    return id;
  }

  /**
   * Queues the record for the next batch. With a spool, it is first written there (on this thread,
   * or with fsync in a group with those of concurrent callers), so that it survives the process
   * dying: answer only once the stage completed.
   *
   * @return completes at once without a spool or with a spool without fsync, else once the record
   *     is spooled (on the spool's writer thread: dependent actions must not block); fails with
   *     {@link RecordNotSpooledException} when the spool could not take it — the record is queued
   *     for its shard all the same, but must not be answered as safe
   */
  public CompletionStage<Void> complete(ExecutionRecord record) {
    settle(record);
    if (spool == null) {
      shard.enqueue(new ShardWriter.Pending(record, null, null));
      return CompletableFuture.completedFuture(null);
    }
    return spool
        .append(record)
        .handle(
            (segment, failure) -> {
              shard.enqueue(new ShardWriter.Pending(record, null, segment));
              if (failure != null) {
                throw new RecordNotSpooledException(id, failure);
              }
              return null;
            });
  }

  /**
   * Queues the record and returns a stage that completes once its row is committed, or fails with
   * {@link RecordNotWrittenException} if shutdown gave up on it. Dependent actions run on a Vert.x
   * event loop thread: they must not block.
   */
  public CompletionStage<Void> completeDurably(ExecutionRecord record) {
    settle(record);
    CompletableFuture<Void> committed = new CompletableFuture<>();
    // Not spooled: the answer waits for the commit, which is durable beyond the node.
    shard.enqueue(new ShardWriter.Pending(record, committed, null));
    return committed;
  }

  /** Gives the capacity back without a record, for an execution that never started. */
  public void release() {
    if (settled.compareAndSet(false, true)) {
      shard.release();
    } else {
      throw new IllegalStateException("slot " + id + " was already settled");
    }
  }

  /** Releases the slot unless it was already completed or released. */
  @Override
  public void close() {
    if (settled.compareAndSet(false, true)) {
      shard.release();
    }
  }

  private void settle(ExecutionRecord record) {
    Objects.requireNonNull(record, "record");
    if (!record.id().equals(id)) {
      throw new IllegalArgumentException(
          "record id " + record.id() + " does not match the slot's id " + id);
    }
    if (!settled.compareAndSet(false, true)) {
      throw new IllegalStateException("slot " + id + " was already settled");
    }
  }
}
