package dev.serverlessrunner.runner.health;

import dev.serverlessrunner.runner.lifecycle.RunnerLifecycle;
import dev.serverlessrunner.runner.recording.ExecutionRecorder;
import dev.serverlessrunner.runner.security.InvocationSecurity;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import dev.serverlessrunner.runner.service.InvocationService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the functions are preloaded, every shard answers, and the runner is not draining. */
@Readiness
@ApplicationScoped
public class RunnerReadiness implements HealthCheck {

  private final RunnerLifecycle lifecycle;
  private final FunctionRegistry functions;
  private final ExecutionRecorder recorder;
  private final InvocationService invocations;
  private final InvocationSecurity security;

  public RunnerReadiness(
      RunnerLifecycle lifecycle,
      FunctionRegistry functions,
      ExecutionRecorder recorder,
      InvocationService invocations,
      InvocationSecurity security) {
    this.lifecycle = lifecycle;
    this.functions = functions;
    this.recorder = recorder;
    this.invocations = invocations;
    this.security = security;
  }

  @Override
  public HealthCheckResponse call() {
    List<String> down = recorder.unreachableShards();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("runner")
            .withData("functions", functions.names().size())
            .withData("preloaded", lifecycle.preloaded())
            .withData("shards", recorder.shardCount())
            .withData("authentication", security.describe());
    if (!down.isEmpty()) {
      response.withData("unreachableShards", String.join(", ", down));
    }
    functions.problems().forEach((name, reason) -> response.withData("function." + name, reason));
    return response
        .status(lifecycle.preloaded() && down.isEmpty() && invocations.admitting())
        .build();
  }
}
