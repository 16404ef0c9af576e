package dev.serverlessrunner.e2e.local;

import dev.serverlessrunner.e2e.local.LocalPlatform.RunnerPod;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A client of a pool's Service: each request goes to the next of the Service's current endpoints,
 * round robin, as kube-proxy spreads new connections (a client opening a connection per request, or
 * an L7 proxy in front of the pods). It never retries: what a runner answers is what the caller
 * gets.
 */
public final class ServiceClient {

  /** A runner's answer and the pod that gave it. */
  public record Answer(String pod, RunnerClient.Reply reply) {}

  private final Supplier<List<RunnerPod>> endpoints;
  private final AtomicInteger next = new AtomicInteger();

  /** A client of the Service whose endpoints {@code endpoints} lists at each moment. */
  public ServiceClient(Supplier<List<RunnerPod>> endpoints) {
    this.endpoints = endpoints;
  }

  /**
   * {@code POST /execute/{function}} with {@code body} to one endpoint.
   *
   * @throws IllegalStateException when the Service has no endpoint (a real one refuses the
   *     connection)
   */
  public Answer post(String function, String body) {
    List<RunnerPod> ready = endpoints.get();
    if (ready.isEmpty()) {
      throw new IllegalStateException("the Service has no endpoint");
    }
    RunnerPod pod = ready.get(Math.floorMod(next.getAndIncrement(), ready.size()));
    return new Answer(pod.name(), pod.client().post(function, body));
  }
}
