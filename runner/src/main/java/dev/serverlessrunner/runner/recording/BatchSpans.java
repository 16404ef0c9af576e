package dev.serverlessrunner.runner.recording;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.List;

/**
 * The span of one batch insert: a root span (a batch serves many traces, so it belongs to none)
 * linked to the invocation span of every record it carries, so a trace viewer leads from an
 * invocation to the write that stored it and back. Batches carrying no traced record (replayed from
 * the spool, or written while tracing was off) make no span.
 */
final class BatchSpans {

  /** The shard the batch was written to ({@code shard-0}, …). */
  static final AttributeKey<String> SHARD = AttributeKey.stringKey("serverlessrunner.shard");

  /** Which write attempt of the batch this is, from 0 (retries after a failure count up). */
  static final AttributeKey<Long> ATTEMPT =
      AttributeKey.longKey("serverlessrunner.records.attempt");

  private static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> DB_OPERATION =
      AttributeKey.stringKey("db.operation.name");
  private static final AttributeKey<String> DB_COLLECTION =
      AttributeKey.stringKey("db.collection.name");
  private static final AttributeKey<Long> DB_BATCH_SIZE =
      AttributeKey.longKey("db.operation.batch.size");

  private BatchSpans() {}

  /** The invocation spans of {@code items}' records, in order; untraced records add none. */
  static List<SpanContext> invocations(List<ShardWriter.Pending> items) {
    List<SpanContext> links = new ArrayList<>();
    for (ShardWriter.Pending pending : items) {
      ExecutionRecord record = pending.record();
      if (record.traceId() != null) {
        links.add(
            SpanContext.createFromRemoteParent(
                record.traceId(),
                record.spanId(),
                TraceFlags.getSampled(),
                TraceState.getDefault()));
      }
    }
    return links;
  }

  /**
   * Starts the span of one write attempt; {@link Span#getInvalid()} when there is nothing to link.
   */
  static Span start(
      Tracer tracer, String shard, List<SpanContext> invocations, int rows, int attempt) {
    if (tracer == null || invocations.isEmpty()) {
      return Span.getInvalid();
    }
    SpanBuilder builder =
        tracer
            .spanBuilder("INSERT executions")
            .setNoParent()
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(DB_SYSTEM, "postgresql")
            .setAttribute(DB_OPERATION, "INSERT")
            .setAttribute(DB_COLLECTION, "executions")
            .setAttribute(DB_BATCH_SIZE, (long) rows)
            .setAttribute(SHARD, shard)
            .setAttribute(ATTEMPT, (long) attempt);
    for (SpanContext invocation : invocations) {
      builder.addLink(invocation);
    }
    return builder.startSpan();
  }

  /** Ends a write attempt's span, as an error when {@code failure} is not null. */
  static void end(Span span, Throwable failure) {
    if (failure != null) {
      // The class only: a driver's message may name hosts or users.
      span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }
    span.end();
  }
}
