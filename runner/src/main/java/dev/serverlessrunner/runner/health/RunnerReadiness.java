package dev.serverlessrunner.runner.health;

import dev.serverlessrunner.runner.lifecycle.RunnerLifecycle;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.security.InvocationSecurity;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means "send me traffic": the functions are preloaded, the runner is not shutting down, and
 * some shard can take a record. Unreachable shards make the runner <em>degraded</em> (listed in the
 * details), not unready: every runner of a pool shares the shards, so failing readiness on one
 * shard would take every endpoint out of the Service and turn a partial fault into an outage.
 */
@Readiness
@ApplicationScoped
public class RunnerReadiness implements HealthCheck {

  private final RunnerLifecycle lifecycle;
  private final FunctionRegistry functions;
  private final ExecutionRecorder recorder;
  private final InvocationSecurity security;

  public RunnerReadiness(
      RunnerLifecycle lifecycle,
      FunctionRegistry functions,
      ExecutionRecorder recorder,
      InvocationSecurity security) {
    this.lifecycle = lifecycle;
    this.functions = functions;
    this.recorder = recorder;
    this.security = security;
  }

  @Override
  public HealthCheckResponse call() {
    List<String> down = recorder.unreachableShards();
    boolean canRecord = recorder.canRecord();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("runner")
            .withData("functions", functions.names().size())
            .withData("preloaded", lifecycle.preloaded())
            .withData("shuttingDown", lifecycle.shuttingDown())
            .withData("shards", recorder.shardCount())
            .withData("shardsUnavailable", down.size())
            .withData("canRecord", canRecord)
            .withData("degraded", !down.isEmpty())
            .withData("authentication", security.describe());
    if (!down.isEmpty()) {
      response.withData("unavailableShards", String.join(", ", down));
    }
    functions.problems().forEach((name, reason) -> response.withData("function." + name, reason));
    return response.status(lifecycle.preloaded() && !lifecycle.shuttingDown() && canRecord).build();
  }
}
