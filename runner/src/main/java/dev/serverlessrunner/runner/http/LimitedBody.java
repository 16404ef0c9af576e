package dev.serverlessrunner.runner.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body into memory up to a limit, without buffering a byte more: a body over the
 * limit is refused as soon as it is known to be, from Content-Length or while streaming.
 */
final class LimitedBody {

  private LimitedBody() {}

  /**
   * Calls {@code onBody} with the whole body, or {@code onTooLarge} once, and then nothing more.
   */
  static void read(
      HttpServerRequest request, long limit, Consumer<byte[]> onBody, Runnable onTooLarge) {
    String declared = request.getHeader("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          onTooLarge.run();
          return;
        }
      } catch (NumberFormatException e) {
        // Vert.x itself rejects malformed framing; let the stream decide.
      }
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(
        chunk -> {
          if (refused[0]) {
            return;
          }
          if ((long) body.length() + chunk.length() > limit) {
            refused[0] = true;
            onTooLarge.run();
            return;
          }
          body.appendBuffer(chunk);
        });
    request.endHandler(
        ignored -> {
          if (!refused[0]) {
            onBody.accept(body.getBytes());
          }
        });
    request.resume();
  }
}
