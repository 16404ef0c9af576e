package dev.serverlessrunner.runner.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads one admitted request's body into memory without holding a byte it has not reserved: a
 * declared Content-Length is reserved from the {@link BodyBudget} before the first byte is read, a
 * chunked body chunk by chunk; a body over the function's limit, over the budget, or not complete
 * within the body timeout ends the read at once. Runs on the request's event loop.
 */
final class LimitedBody {

  /** How a read ended; the callback sees exactly one. */
  sealed interface Result {}

  /** The whole body; its {@code reservedBytes} stay reserved until the caller releases them. */
  record Complete(byte[] bytes, long reservedBytes) implements Result {}

  /** Longer than the function's limit. */
  record TooLarge(long limitBytes) implements Result {}

  /** The runner already holds as many body bytes as its budget allows. */
  record OverBudget() implements Result {}

  /** The body did not arrive within the timeout. */
  record TimedOut(long timeoutMillis) implements Result {}

  /** The client went away before its body was complete. */
  record Gone() implements Result {}

  private final HttpServerRequest request;
  private final long limit;
  private final BodyBudget budget;
  private final Vertx vertx;
  private final long timeoutMillis;
  private final Consumer<Result> onResult;
  private long reserved;
  private long received;
  private byte[] declaredBody;
  private List<Buffer> chunks;
  private long timer = -1;
  private boolean finished;

  private LimitedBody(
      HttpServerRequest request,
      long limit,
      BodyBudget budget,
      Vertx vertx,
      long timeoutMillis,
      Consumer<Result> onResult) {
    this.request = request;
    this.limit = limit;
    this.budget = budget;
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
    this.onResult = onResult;
  }

  /**
   * Starts reading; {@code declaredLength} is the request's Content-Length (-1 when chunked or
   * absent), already checked against {@code limit}.
   */
  static void read(
      HttpServerRequest request,
      long declaredLength,
      long limit,
      BodyBudget budget,
      Vertx vertx,
      long timeoutMillis,
      Consumer<Result> onResult) {
    new LimitedBody(request, limit, budget, vertx, timeoutMillis, onResult).start(declaredLength);
  }

  private void start(long declaredLength) {
    if (declaredLength > 0) {
      if (!budget.tryReserve(declaredLength)) {
        finish(new OverBudget());
        return;
      }
      reserved = declaredLength;
      declaredBody = new byte[(int) declaredLength];
    } else if (declaredLength < 0) {
      chunks = new ArrayList<>();
    }
    request.handler(this::chunk);
    request.endHandler(ignored -> end());
    request.exceptionHandler(failure -> finish(new Gone()));
    request.response().closeHandler(ignored -> finish(new Gone()));
    timer = vertx.setTimer(timeoutMillis, id -> finish(new TimedOut(timeoutMillis)));
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      // Admitted: now, and only now, the client may send its body.
      request.response().writeContinue();
    }
    request.resume();
  }

  private void chunk(Buffer chunk) {
    if (finished) {
      return;
    }
    int length = chunk.length();
    if (received + length > limit) {
      finish(new TooLarge(limit));
      return;
    }
    if (declaredBody != null) {
      if (received + length > declaredBody.length) {
        finish(new TooLarge(limit));
        return;
      }
      chunk.getBytes(0, length, declaredBody, (int) received);
    } else {
      if (!budget.tryReserve(length)) {
        finish(new OverBudget());
        return;
      }
      reserved += length;
      chunks.add(chunk);
    }
    received += length;
  }

  private void end() {
    if (finished) {
      return;
    }
    byte[] body;
    if (declaredBody != null) {
      body = declaredBody;
    } else {
      body = new byte[(int) received];
      int at = 0;
      for (Buffer chunk : chunks == null ? List.<Buffer>of() : chunks) {
        chunk.getBytes(0, chunk.length(), body, at);
        at += chunk.length();
      }
    }
    finish(new Complete(body, reserved));
  }

  private void finish(Result result) {
    if (finished) {
      return;
    }
    finished = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    declaredBody = null;
    chunks = null;
    if (!(result instanceof Complete)) {
      budget.release(reserved);
      reserved = 0;
      // Nothing more of this body is wanted; the answer closes the connection.
      request.handler(ignored -> {});
    }
    onResult.accept(result);
  }
}
