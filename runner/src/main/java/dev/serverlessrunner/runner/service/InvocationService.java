package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.runner.recording.ExecutionRecord;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.recording.RecordNotSpooledException;
import dev.serverlessrunner.runner.recording.RecordSlot;
import dev.serverlessrunner.runner.source.Durability;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Where a request is executed: admission (a recording slot first, so nothing runs unrecorded), the
 * run on the engine's pool, and the record of it.
 */
public final class InvocationService {

  private static final Logger LOG = Logger.getLogger(InvocationService.class);

  private final Engine engine;
  private final ExecutionRecorder recorder;
  private final FunctionMeters meters;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean admitting = true;

  public InvocationService(Engine engine, ExecutionRecorder recorder, MeterRegistry registry) {
    this.engine = engine;
    this.recorder = recorder;
    this.meters = new FunctionMeters(registry);
    Gauge.builder(RunnerContract.inFlightMeterName(), inFlight, AtomicInteger::get)
        .description("Invocations admitted and not yet answered; the in-flight autoscaling metric")
        .register(registry);
  }

  /** Runs {@code function} for {@code request}; the stage never completes exceptionally. */
  public CompletionStage<InvocationReply> invoke(
      ServedFunction function, InvocationRequest request) {
    if (!admitting) {
      return done(new InvocationReply.NotRun("Runner shutting down", "draining"));
    }
    Optional<String> spoolRefusal = recorder.spoolRefusal();
    if (spoolRefusal.isPresent()) {
      return done(new InvocationReply.NotRun("Record spool unavailable", spoolRefusal.get()));
    }
    Optional<RecordSlot> reserved = recorder.tryReserve();
    if (reserved.isEmpty()) {
      return done(
          new InvocationReply.NotRun(
              "Recording backlog full", "execution records cannot be written fast enough"));
    }
    RecordSlot slot = reserved.get();
    inFlight.incrementAndGet();
    try {
      return engine
          .submit(function.module(), invocationFor(function, request))
          .handle((result, failure) -> settle(function, slot, result, failure))
          .thenCompose(stage -> stage)
          .whenComplete((reply, failure) -> inFlight.decrementAndGet());
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      slot.release();
      LOG.error("could not submit an execution", e);
      return done(new InvocationReply.NotRun("Internal error", e.toString()));
    }
  }

  private CompletionStage<InvocationReply> settle(
      ServedFunction function, RecordSlot slot, ExecutionResult result, Throwable failure) {
    if (failure != null) {
      LOG.errorf(failure, "host failure running %s", function.name());
      result =
          ExecutionResult.notRun(
              Outcome.HOST_ERROR, "host failure: " + failure, function.module().digest());
    }
    if (result.outcome() == Outcome.SATURATED) {
      slot.release();
      return done(new InvocationReply.NotRun("Runner saturated", result.message()));
    }
    meters.record(function.name(), result);
    ExecutionRecord record = recordOf(slot, function, result);
    InvocationReply.Executed executed = new InvocationReply.Executed(slot.id(), function, result);
    if (function.config().durability() == Durability.SYNC) {
      ExecutionResult ran = result;
      return slot.completeDurably(record)
          .<InvocationReply>thenApply(ignored -> executed)
          .exceptionally(
              e -> new InvocationReply.NotRecorded(slot.id(), ran, String.valueOf(e.getMessage())));
    }
    try {
      // Spooled (when on) before the answer exists: an answered record survives a crash.
      slot.complete(record);
    } catch (RecordNotSpooledException e) {
      return done(new InvocationReply.NotRecorded(slot.id(), result, e.getMessage()));
    }
    return done(executed);
  }

  private static Invocation invocationFor(ServedFunction function, InvocationRequest request) {
    List<String> args = new ArrayList<>(function.config().args().size() + 1);
    args.add(function.name());
    args.addAll(function.config().args());
    Map<String, String> env = new LinkedHashMap<>(function.config().env());
    // The request's own facts come last, so a declared variable cannot mask them.
    env.put("REQUEST_METHOD", request.method());
    env.put("QUERY_STRING", request.queryString());
    env.put("CONTENT_LENGTH", Integer.toString(request.body().length));
    if (request.contentType() != null) {
      env.put("CONTENT_TYPE", request.contentType());
    }
    return new Invocation(request.body(), args, env, function.limits());
  }

  private static ExecutionRecord recordOf(
      RecordSlot slot, ServedFunction function, ExecutionResult result) {
    boolean exited = result.outcome() == Outcome.OK || result.outcome() == Outcome.EXIT;
    return ExecutionRecord.of(
            slot.id(),
            function.name(),
            function.module().digest(),
            exited ? result.exitCode() : null,
            RecordedOutcomes.of(result.outcome()),
            result.stdout(),
            result.stdout().length,
            result.stdout().length,
            result.durationMicros(),
            result.fuelConsumed(),
            result.outcome().isSuccess() ? null : result.message(),
            Instant.now())
        .withSleepUs(result.sleptMicros());
  }

  /** Stops admitting and waits for running invocations; returns how many were still running. */
  public int drain(Duration timeout) {
    admitting = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return inFlight.get();
  }

  /** Whether new invocations are accepted. */
  public boolean admitting() {
    return admitting;
  }

  private static CompletionStage<InvocationReply> done(InvocationReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
