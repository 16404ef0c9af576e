package dev.serverlessrunner.runner.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's guard, in its Netty pipeline between the HTTP codec and Vert.x: it answers what
 * never reaches a route — a request whose headers did not arrive within the header timeout (408),
 * one the decoder refused (414 long request line, 431 large headers, 400 malformed) and one whose
 * target is not a valid URI (400, e.g. a bad %-escape in the query) — with the runner's JSON error
 * and closes the connection. Vert.x would otherwise hold a slow client forever and answer framing
 * errors with an empty body.
 *
 * <p>Runs on the connection's event loop only, so its state needs no synchronization.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

  static final String NAME = "sr-connection-guard";
  static final String BYTES_NAME = "sr-connection-bytes";

  /** How long a refused connection may still drain the client's bytes before it is closed. */
  private static final long LINGER_MILLIS = 1000;

  private final long headerTimeoutMillis;
  private final HttpRefusals metrics;
  private int requestsStarted;
  private int responsesFinished;
  private ScheduledFuture<?> headerTimer;
  private boolean refused;
  private boolean responding;
  private boolean closeAfterResponse;

  ConnectionGuard(long headerTimeoutMillis, HttpRefusals metrics) {
    this.headerTimeoutMillis = headerTimeoutMillis;
    this.metrics = metrics;
  }

  /** Sees raw bytes before the decoder: the first byte of a request starts its header clock. */
  ChannelInboundHandlerAdapter bytesWatcher() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (idle() && headerTimer == null && !refused) {
          armHeaderTimer(ctx.pipeline().context(ConnectionGuard.this));
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // A new connection owes its first request's headers within the timeout too.
    armHeaderTimer(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      cancelHeaderTimer();
      if (request.decoderResult().isFailure() && idle()) {
        ReferenceCountUtil.release(msg);
        refuseInvalid(ctx, request.decoderResult().cause());
        return;
      }
      String uriProblem = uriProblem(request.uri());
      if (uriProblem != null && idle()) {
        // Quarkus refuses such a target itself, with an empty 400, before any route runs.
        ReferenceCountUtil.release(msg);
        metrics.invalidRequest();
        refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Invalid request target", uriProblem);
        return;
      }
      requestsStarted++;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response
        && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
      closeAfterResponse |=
          response
              .headers()
              .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
      responding = true;
    }
    if (msg instanceof LastHttpContent && responding) {
      responding = false;
      responsesFinished++;
      if (closeAfterResponse) {
        // The runner answered before reading the whole body (413, 408, 503): stop reading it and
        // close once the answer is out.
        refused = true;
        ctx.write(msg, promise.unvoid()).addListener(written -> closeGently(ctx.channel()));
        ctx.flush();
        return;
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelHeaderTimer();
    ctx.fireChannelInactive();
  }

  /** No request between its headers and its response: the next bytes start a new request. */
  private boolean idle() {
    return requestsStarted == responsesFinished;
  }

  private void armHeaderTimer(ChannelHandlerContext ctx) {
    cancelHeaderTimer();
    headerTimer =
        ctx.executor()
            .schedule(
                () -> {
                  headerTimer = null;
                  if (idle() && !refused && ctx.channel().isActive()) {
                    metrics.headerTimeout();
                    refuse(
                        ctx,
                        HttpResponseStatus.REQUEST_TIMEOUT,
                        "Request header timeout",
                        "the request's headers did not arrive within "
                            + headerTimeoutMillis
                            + " ms");
                  }
                },
                headerTimeoutMillis,
                TimeUnit.MILLISECONDS);
  }

  private void cancelHeaderTimer() {
    if (headerTimer != null) {
      headerTimer.cancel(false);
      headerTimer = null;
    }
  }

  /** Why a request target is not a valid URI (e.g. a bad %-escape in the query), or null. */
  static String uriProblem(String uri) {
    try {
      new URI(uri);
      return null;
    } catch (URISyntaxException e) {
      return e.getMessage();
    }
  }

  private void refuseInvalid(ChannelHandlerContext ctx, Throwable cause) {
    metrics.invalidRequest();
    String message = String.valueOf(cause == null ? null : cause.getMessage());
    if (cause instanceof TooLongFrameException && message.startsWith("An HTTP line is larger")) {
      refuse(ctx, HttpResponseStatus.REQUEST_URI_TOO_LONG, "Request line too long", message);
    } else if (cause instanceof TooLongFrameException) {
      refuse(
          ctx,
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "Request headers too large",
          message);
    } else {
      refuse(ctx, HttpResponseStatus.BAD_REQUEST, "Malformed HTTP request", message);
    }
  }

  /** Answers with the JSON error and closes the connection. */
  private void refuse(
      ChannelHandlerContext ctx, HttpResponseStatus status, String error, String reason) {
    refused = true;
    cancelHeaderTimer();
    byte[] body =
        new JsonObject()
            .put("error", error)
            .put("status", status.code())
            .put("reason", reason)
            .toBuffer()
            .getBytes();
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(written -> closeGently(ctx.channel()));
  }

  /**
   * Closes output first, so the client reads the answer, and the socket a little later, so bytes
   * the client is still sending do not turn the close into a reset that destroys the answer unread.
   */
  private static void closeGently(Channel channel) {
    if (channel instanceof SocketChannel socket && socket.isActive()) {
      socket.shutdownOutput();
      channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      channel.close();
    }
  }
}
