package dev.serverlessrunner.e2e.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Clients calling a function through a pool's Service, each at a steady pace, until stopped; every
 * answer is kept with the pod that gave it, every failure (an error status, a wrong body, no answer
 * at all) with what went wrong.
 */
final class ServiceLoad implements AutoCloseable {

  /** A 2xx answer: the pod that gave it, when it arrived, and the execution it reports. */
  record Answer(String pod, Instant at, UUID executionId) {}

  /** What the clients saw. */
  record Result(List<Answer> answers, List<String> failures) {

    /** Execution ids of every 2xx answer. */
    List<UUID> executionIds() {
      return answers.stream().map(Answer::executionId).toList();
    }

    /** How many 2xx answers each pod gave. */
    Map<String, Long> byPod() {
      return answers.stream().collect(Collectors.groupingBy(Answer::pod, Collectors.counting()));
    }
  }

  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final ExecutorService clients;
  private final List<Future<?>> running = new ArrayList<>();

  private ServiceLoad(int clients) {
    this.clients = Executors.newFixedThreadPool(clients);
  }

  /**
   * Starts {@code clients} clients, each posting to {@code function} of greeter's kind and waiting
   * {@code pause} between its requests.
   */
  static ServiceLoad start(ServiceClient service, String function, int clients, Duration pause) {
    ServiceLoad load = new ServiceLoad(clients);
    for (int c = 0; c < clients; c++) {
      String name = "client-" + c;
      load.running.add(load.clients.submit(() -> load.run(service, function, name, pause)));
    }
    return load;
  }

  private void run(ServiceClient service, String function, String name, Duration pause) {
    while (!stop.get()) {
      try {
        ServiceClient.Answer answer = service.post(function, name);
        RunnerClient.Reply reply = answer.reply();
        if (reply.status() / 100 == 2 && reply.body().equals("Hello, " + name + "!")) {
          answers.add(new Answer(answer.pod(), Instant.now(), reply.executionId().orElseThrow()));
        } else {
          failures.add(answer.pod() + " answered " + reply.status() + ": " + reply.body());
        }
      } catch (RuntimeException e) {
        failures.add(e.toString());
      }
      LockSupport.parkNanos(pause.toNanos());
    }
  }

  /** How many 2xx answers pod {@code pod} has given so far. */
  long answeredBy(String pod) {
    return answers.stream().filter(a -> a.pod().equals(pod)).count();
  }

  /** Stops the clients once their requests in flight are answered; what they saw. */
  Result stop() {
    stop.set(true);
    clients.shutdown();
    try {
      if (!clients.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new AssertionError("clients still waiting for answers after 60 s");
      }
      for (Future<?> client : running) {
        client.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("a client failed", e.getCause());
    }
    return new Result(List.copyOf(answers), List.copyOf(failures));
  }

  /** Stops the clients if {@link #stop()} was not reached (a failed test). */
  @Override
  public void close() {
    stop.set(true);
    clients.shutdownNow();
  }
}
