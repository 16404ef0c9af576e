package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.function.Abi;
import dev.serverlessrunner.crd.function.Durability;
import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.engine.ExecutionResult;
import dev.serverlessrunner.engine.Invocation;
import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.runner.cgi.CgiHeaderPolicy;
import dev.serverlessrunner.runner.cgi.CgiVerdict;
import dev.serverlessrunner.runner.cgi.DroppedHeaderMeters;
import dev.serverlessrunner.runner.recording.ExecutionRecord;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.recording.RecordSlot;
import dev.serverlessrunner.runner.recording.RecordedOutcome;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Where a request is executed: admission before its body is read (an execution slot and a record
 * slot, so nothing runs unrecorded and nothing waits for a worker that will never come), the run on
 * the engine's pool, and the record of it.
 */
public final class InvocationService {

  private static final Logger LOG = Logger.getLogger(InvocationService.class);

  /** The error of a request refused because the runner is stopping. */
  public static final String SHUTTING_DOWN = "Runner is shutting down";

  private final Engine engine;
  private final ExecutionRecorder recorder;
  private final FunctionMeters meters;
  private final CgiHeaderPolicy cgiPolicy;
  private final DroppedHeaderMeters droppedHeaders;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Semaphore executionSlots;
  private volatile boolean admitting = true;

  public InvocationService(Engine engine, ExecutionRecorder recorder, MeterRegistry registry) {
    this(engine, recorder, registry, Integer.MAX_VALUE);
  }

  /**
   * A service admitting at most {@code executionSlots} requests at once.
   *
   * @param executionSlots requests admitted at once: the execution pool's threads plus its queue,
   *     so an admitted request always finds a place on the pool
   */
  public InvocationService(
      Engine engine, ExecutionRecorder recorder, MeterRegistry registry, int executionSlots) {
    this(engine, recorder, registry, executionSlots, CgiHeaderPolicy.defaults());
  }

  /** As above, with the pool's policy for CGI response headers. */
  public InvocationService(
      Engine engine,
      ExecutionRecorder recorder,
      MeterRegistry registry,
      int executionSlots,
      CgiHeaderPolicy cgiPolicy) {
    this.cgiPolicy = cgiPolicy;
    this.droppedHeaders = new DroppedHeaderMeters(registry);
    this.executionSlots = new Semaphore(executionSlots);
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
    return switch (admit(function)) {
      case Admission.Refused refused -> done(refused.reply());
      case Admission.Granted granted -> granted.run(request);
    };
  }

  /**
   * Reserves what a run of {@code function} needs — an execution slot (a worker or a place in its
   * queue) and a record slot — before the request's body is read.
   */
  public Admission admit(ServedFunction function) {
    if (!admitting) {
      return new Admission.Refused(new InvocationReply.NotRun(SHUTTING_DOWN, "draining"));
    }
    if (!executionSlots.tryAcquire()) {
      return new Admission.Refused(
          new InvocationReply.NotRun("Runner saturated", "execution queue is full"));
    }
    Optional<String> spoolRefusal = recorder.spoolRefusal();
    if (spoolRefusal.isPresent()) {
      executionSlots.release();
      return new Admission.Refused(
          new InvocationReply.NotRun("Record spool unavailable", spoolRefusal.get()));
    }
    Optional<RecordSlot> reserved = recorder.tryReserve();
    if (reserved.isEmpty()) {
      executionSlots.release();
      return new Admission.Refused(
          new InvocationReply.NotRun(
              "Recording backlog full", "execution records cannot be written fast enough"));
    }
    return new HeldSlots(function, reserved.get());
  }

  /** Both slots of one admitted request, settled exactly once. */
  private final class HeldSlots implements Admission.Granted {
    private final ServedFunction function;
    private final RecordSlot slot;
    private final AtomicBoolean settled = new AtomicBoolean();

    HeldSlots(ServedFunction function, RecordSlot slot) {
      this.function = function;
      this.slot = slot;
    }

    @Override
    public UUID executionId() {
      return slot.id();
    }

    @Override
    public CompletionStage<InvocationReply> run(InvocationRequest request) {
      settle();
      return execute(function, slot, request)
          .whenComplete((reply, failure) -> executionSlots.release());
    }

    @Override
    public void release() {
      if (settled.compareAndSet(false, true)) {
        slot.release();
        executionSlots.release();
      }
    }

    private void settle() {
      if (!settled.compareAndSet(false, true)) {
        throw new IllegalStateException("admission of " + slot.id() + " was already settled");
      }
    }
  }

  private CompletionStage<InvocationReply> execute(
      ServedFunction function, RecordSlot slot, InvocationRequest request) {
    inFlight.incrementAndGet();
    try {
      return engine
          .submit(function.module(), invocationFor(function, request))
          .handle((result, failure) -> settle(function, slot, request, result, failure))
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
      ServedFunction function,
      RecordSlot slot,
      InvocationRequest request,
      ExecutionResult result,
      Throwable failure) {
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
    // Read here, on the worker, so the record and the meters can say when the answer was refused.
    CgiVerdict cgi =
        function.config().abi() == Abi.CGI && result.outcome() == Outcome.OK
            ? cgiPolicy.interpret(result.stdout())
            : null;
    meters.record(function, result, cgi instanceof CgiVerdict.Refused);
    if (cgi instanceof CgiVerdict.Accepted accepted) {
      droppedHeaders.record(function.name(), accepted.dropped());
    }
    ExecutionRecord record = recordOf(slot, function, result, cgi, request.trace());
    InvocationReply.Executed executed =
        new InvocationReply.Executed(slot.id(), function, result, cgi);
    if (function.config().durability() == Durability.SYNC) {
      ExecutionResult ran = result;
      return slot.completeDurably(record)
          .<InvocationReply>thenApply(ignored -> executed)
          .exceptionally(
              e -> new InvocationReply.NotRecorded(slot.id(), ran, String.valueOf(e.getMessage())));
    }
    ExecutionResult ran = result;
    // Answered only once spooled (when the spool is on): an answered record survives a crash.
    return slot.complete(record)
        .<InvocationReply>thenApply(ignored -> executed)
        .exceptionally(
            e -> new InvocationReply.NotRecorded(slot.id(), ran, spoolFailure(e).getMessage()));
  }

  private static Throwable spoolFailure(Throwable e) {
    return e instanceof java.util.concurrent.CompletionException && e.getCause() != null
        ? e.getCause()
        : e;
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
      RecordSlot slot,
      ServedFunction function,
      ExecutionResult result,
      CgiVerdict cgi,
      SpanContext trace) {
    boolean exited = result.outcome() == Outcome.OK || result.outcome() == Outcome.EXIT;
    CgiVerdict.Refused refused = cgi instanceof CgiVerdict.Refused r ? r : null;
    return ExecutionRecord.of(
            slot.id(),
            function.name(),
            function.module().digest(),
            exited ? result.exitCode() : null,
            refused != null
                ? RecordedOutcome.INVALID_RESPONSE
                : RecordedOutcomes.of(result.outcome()),
            result.stdout(),
            result.stdout().length,
            result.stdout().length,
            result.durationMicros(),
            result.fuelConsumed(),
            refused != null
                ? refused.error() + ": " + refused.reason()
                : result.outcome().isSuccess() ? null : result.message(),
            Instant.now())
        .withSleepUs(result.sleptMicros())
        .withStderr(result.stderr(), result.stderr().length)
        .withTrace(
            trace.isValid() ? trace.getTraceId() : null,
            trace.isValid() ? trace.getSpanId() : null);
  }

  /** Refuses every new invocation from now on; running ones go on. */
  public void stopAdmitting() {
    admitting = false;
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
