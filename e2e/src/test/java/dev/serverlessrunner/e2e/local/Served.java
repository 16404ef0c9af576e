package dev.serverlessrunner.e2e.local;

import java.time.Duration;

/**
 * Waiting for a runner to serve a function: a runner learns of a function from the API server and
 * compiles it in the background, so the first 200 comes a moment after Ready.
 */
public final class Served {

  private Served() {}

  /** Posts {@code body} to {@code function} until the answer is 200; returns that answer. */
  public static RunnerClient.Reply await(
      RunnerClient runner, String function, String body, Duration timeout) {
    return org.awaitility.Awaitility.await(runner.name() + " serving " + function)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> runner.post(function, body), r -> r.status() == 200);
  }
}
