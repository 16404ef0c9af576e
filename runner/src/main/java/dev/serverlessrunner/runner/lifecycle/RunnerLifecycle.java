package dev.serverlessrunner.runner.lifecycle;

import dev.serverlessrunner.engine.Engine;
import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import dev.serverlessrunner.runner.service.InvocationService;
import dev.serverlessrunner.runner.source.FunctionSource;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Start: preload every function before serving. Stop, on SIGTERM: readiness turns false at once
 * while the runner keeps serving through {@code runner.shutdown.endpoint-removal-delay}, so that
 * Kubernetes takes the pod out of its Service before anything is refused; then new requests get
 * {@code 503} ({@link ShutdownGate}) while running guests finish (at most {@code
 * runner.execution.drain-timeout}); then every recording backlog drains into PostgreSQL (at most
 * {@code runner.recording.drain-timeout}); then Quarkus stops its HTTP server and the process goes.
 *
 * <p>All of it runs in Quarkus' pre-shutdown step ({@link ShutdownDelayInitiatedEvent}), while the
 * HTTP server is fully up. Quarkus' own delay and {@link ShutdownEvent} come too late: by then its
 * HTTP server still accepts connections but no longer handles them, so every request arriving
 * during a drain there went unanswered.
 */
@ApplicationScoped
public class RunnerLifecycle {

  private static final Logger LOG = Logger.getLogger(RunnerLifecycle.class);

  private final RunnerConfig config;
  private final FunctionSource source;
  private final FunctionRegistry functions;
  private final InvocationService invocations;
  private final Engine engine;
  private final RecordingBackend recording;
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();
  private volatile boolean preloaded;
  private volatile boolean shuttingDown;

  public RunnerLifecycle(
      RunnerConfig config,
      FunctionSource source,
      FunctionRegistry functions,
      InvocationService invocations,
      Engine engine,
      RecordingBackend recording) {
    this.config = config;
    this.source = source;
    this.functions = functions;
    this.invocations = invocations;
    this.engine = engine;
    this.recording = recording;
  }

  void start(@Observes StartupEvent event) {
    long started = System.nanoTime();
    source.start(functions);
    awaitSpoolReplay();
    preloaded = true;
    LOG.infof(
        "preloaded %d functions in %d ms%s",
        functions.names().size(),
        (System.nanoTime() - started) / 1_000_000,
        functions.problems().isEmpty() ? "" : "; not served: " + functions.problems().keySet());
  }

  /**
   * Waits (bounded) for the records an earlier process left in the spool to reach their shards, so
   * that a restarted runner is ready with its predecessor's records written. A shard that is down
   * does not hold readiness beyond the timeout: its records stay spooled and keep being retried.
   */
  private void awaitSpoolReplay() {
    ExecutionRecorder recorder = recording.recorder();
    if (recorder.replayPending() == 0) {
      return;
    }
    long deadline = System.nanoTime() + config.recording().spool().replayTimeout().toNanos();
    while (recorder.replayPending() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    long pending = recorder.replayPending();
    if (pending == 0) {
      LOG.info("every execution record replayed from the spool is committed");
    } else {
      LOG.warnf(
          "%d execution records replayed from the spool are not committed after %s (a shard is"
              + " down?); they stay spooled and are retried in the background",
          pending, config.recording().spool().replayTimeout());
    }
  }

  /** First thing on SIGTERM, before Quarkus touches its HTTP server. */
  void shutdownRequested(@Observes ShutdownDelayInitiatedEvent event) {
    shutDown(config.shutdown().endpointRemovalDelay());
  }

  /** Only does anything when the pre-shutdown step did not run (an embedding without it). */
  void stop(@Observes ShutdownEvent event) {
    shutDown(Duration.ZERO);
  }

  private void shutDown(Duration endpointRemovalDelay) {
    if (!shutdownStarted.compareAndSet(false, true)) {
      return;
    }
    shuttingDown = true;
    LOG.infof(
        "shutting down: readiness is DOWN; serving for %s more while endpoints are removed",
        endpointRemovalDelay);
    try {
      Thread.sleep(endpointRemovalDelay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    invocations.stopAdmitting();
    LOG.info("refusing new requests (503 Runner is shutting down); letting running ones finish");
    source.close();
    int stillRunning = invocations.drain(config.execution().drainTimeout());
    if (stillRunning > 0) {
      LOG.warnf("%d executions still running after the drain timeout", stillRunning);
    }
    engine.close();
    long lost = recording.close(config.recording().drainTimeout());
    if (lost > 0) {
      LOG.errorf("%d execution records could not be written before shutdown", lost);
    } else {
      LOG.info("every execution record written; stopped");
    }
  }

  /** Whether SIGTERM was received: readiness is down from that moment. */
  public boolean shuttingDown() {
    return shuttingDown;
  }

  /** Whether the initial set of functions has been loaded. */
  public boolean preloaded() {
    return preloaded;
  }
}
