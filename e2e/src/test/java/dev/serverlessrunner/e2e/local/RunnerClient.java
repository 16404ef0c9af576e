package dev.serverlessrunner.e2e.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** HTTP calls to one runner, as a client of its Service would make them. */
public final class RunnerClient {

  /** One answer: status, execution id (when one ran) and body. */
  public record Reply(int status, Optional<UUID> executionId, String body) {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final URI base;
  private final String bearer;

  /** A client of the runner listening on {@code base}, without credentials. */
  public RunnerClient(String name, URI base) {
    this(name, base, null);
  }

  /** A client sending {@code Authorization: Bearer <bearer>} (an API key or a JWT). */
  public RunnerClient(String name, URI base, String bearer) {
    this.name = name;
    this.base = base;
    this.bearer = bearer;
  }

  /** The runner's name, for messages. */
  public String name() {
    return name;
  }

  /** {@code POST /execute/{function}} with {@code body}. */
  public Reply post(String function, String body) {
    return send(
        HttpRequest.newBuilder(base.resolve("/execute/" + function))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  /** {@code GET /execute/{function}?{query}}. */
  public Reply get(String function, String query) {
    String suffix = query == null || query.isEmpty() ? "" : "?" + query;
    return send(HttpRequest.newBuilder(base.resolve("/execute/" + function + suffix)).GET());
  }

  /** {@code GET /executions/{id}}: the stored record (200) or 404. */
  public Reply record(UUID id) {
    return send(HttpRequest.newBuilder(base.resolve("/executions/" + id)).GET());
  }

  private Reply send(HttpRequest.Builder request) {
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      Optional<UUID> id = response.headers().firstValue("X-Execution-Id").map(UUID::fromString);
      return new Reply(response.statusCode(), id, response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + base + ")";
  }
}
