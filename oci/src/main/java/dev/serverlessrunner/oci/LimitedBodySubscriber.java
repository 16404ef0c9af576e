package dev.serverlessrunner.oci;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Collects a response body into memory, cancelling the exchange once it passes a byte limit. */
final class LimitedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

  /** The body (declared or received) exceeded the limit; carries the size seen so far. */
  static final class TooLargeException extends RuntimeException {
    private final long size;

    TooLargeException(long size) {
      super("body exceeds the limit after " + size + " bytes", null, false, false);
      this.size = size;
    }

    long size() {
      return size;
    }
  }

  private final long limit;
  private final long declaredLength;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream out;
  private Flow.Subscription subscription;
  private long received;

  LimitedBodySubscriber(long limit, long declaredLength) {
    this.limit = limit;
    this.declaredLength = declaredLength;
    this.out = new ByteArrayOutputStream((int) Math.min(Math.max(declaredLength, 256), limit));
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    if (declaredLength > limit) {
      s.cancel();
      result.completeExceptionally(new TooLargeException(declaredLength));
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      received += item.remaining();
      if (received > limit) {
        subscription.cancel();
        result.completeExceptionally(new TooLargeException(received));
        return;
      }
      byte[] chunk = new byte[item.remaining()];
      item.get(chunk);
      out.write(chunk, 0, chunk.length);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }
}
