package dev.serverlessrunner.oci;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * One HTTP exchange with a registry or token realm: bounded in time and size, redirects followed by
 * hand (so credentials never leak to another host), I/O failures mapped to {@link OciException}s.
 */
final class Transport implements AutoCloseable {

  /** A response with its whole (bounded) body. */
  record Response(int status, HttpHeaders headers, byte[] body, URI uri) {
    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    boolean isSuccess() {
      return status >= 200 && status < 300;
    }
  }

  private static final long ERROR_BODY_LIMIT = 64 * 1024;
  private static final int MAX_REDIRECTS = 5;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final HttpClient http;
  private final RegistryClientOptions options;

  Transport(RegistryClientOptions options) {
    this.options = options;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(options.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * Sends one request; a successful body longer than {@code maxBytes} fails with {@link
   * LimitedBodySubscriber.TooLargeException}. {@code what} names the operation in messages.
   */
  Response send(
      String method,
      URI uri,
      Map<String, String> headers,
      byte[] body,
      long maxBytes,
      String what) {
    URI current = uri;
    String currentMethod = method;
    byte[] currentBody = body;
    boolean sendAuthorization = true;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(current)
              .timeout(options.requestTimeout())
              .header("User-Agent", options.userAgent())
              .method(
                  currentMethod,
                  currentBody == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(currentBody));
      for (Map.Entry<String, String> h : headers.entrySet()) {
        if (sendAuthorization || !h.getKey().equalsIgnoreCase("Authorization")) {
          request.header(h.getKey(), h.getValue());
        }
      }
      Response response = sendOnce(request.build(), maxBytes, what);
      Optional<String> location = response.header("Location");
      if (!REDIRECTS.contains(response.status()) || location.isEmpty()) {
        return response;
      }
      if (hop == MAX_REDIRECTS) {
        throw new OciException(
            OciException.Kind.PROTOCOL, what + ": more than " + MAX_REDIRECTS + " redirects");
      }
      URI next = current.resolve(location.get());
      // Blob storage behind a redirect (S3, GCS) authenticates by signed URL and rejects or
      // would capture the registry's credentials.
      sendAuthorization &= next.getRawAuthority().equals(current.getRawAuthority());
      if (response.status() == 303) {
        currentMethod = "GET";
        currentBody = null;
      }
      current = next;
    }
  }

  private Response sendOnce(HttpRequest request, long maxBytes, String what) {
    // A HEAD answer declares the length of a body it does not send.
    boolean head = request.method().equals("HEAD");
    HttpResponse.BodyHandler<byte[]> handler =
        info ->
            new LimitedBodySubscriber(
                info.statusCode() / 100 == 2 ? maxBytes : ERROR_BODY_LIMIT,
                head ? -1 : info.headers().firstValueAsLong("Content-Length").orElse(-1));
    CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, handler);
    long timeoutMillis = options.requestTimeout().toMillis();
    try {
      HttpResponse<byte[]> r = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      return new Response(r.statusCode(), r.headers(), r.body(), r.uri());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw unreachable(
          request, what, "timed out: no complete answer within " + timeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw unreachable(request, what, "interrupted", e);
    } catch (ExecutionException e) {
      throw failure(request, what, e.getCause());
    }
  }

  private static OciException failure(HttpRequest request, String what, Throwable cause) {
    Throwable c = cause;
    while (c instanceof IOException
        && c.getCause() instanceof LimitedBodySubscriber.TooLargeException) {
      c = c.getCause();
    }
    if (c instanceof LimitedBodySubscriber.TooLargeException tooLarge) {
      return new OciException(
          OciException.Kind.TOO_LARGE,
          what + ": the response is larger than allowed (" + tooLarge.size() + " bytes or more)",
          tooLarge);
    }
    if (c instanceof HttpConnectTimeoutException) {
      return unreachable(request, what, "connect timed out", c);
    }
    if (c instanceof HttpTimeoutException) {
      return unreachable(request, what, "request timed out", c);
    }
    if (c instanceof ConnectException) {
      return unreachable(request, what, "connection refused", c);
    }
    if (c instanceof SSLException) {
      return new OciException(
          OciException.Kind.PROTOCOL,
          what
              + ": TLS with "
              + request.uri().getAuthority()
              + " failed ("
              + c.getMessage()
              + "); if this registry speaks plain HTTP, list it in the plain-HTTP hosts",
          c);
    }
    if (c instanceof IOException) {
      return unreachable(request, what, "I/O error: " + c, c);
    }
    if (c instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw new IllegalStateException("unexpected failure of " + what, c);
  }

  private static OciException unreachable(
      HttpRequest request, String what, String reason, Throwable cause) {
    return new OciException(
        OciException.Kind.UNREACHABLE,
        what + ": cannot reach " + request.uri().getAuthority() + ": " + reason,
        cause);
  }

  @Override
  public void close() {
    // Abort what is still in flight rather than wait for a registry that may never answer.
    http.shutdownNow();
  }
}
