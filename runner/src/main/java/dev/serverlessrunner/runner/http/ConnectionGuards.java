package dev.serverlessrunner.runner.http;

import dev.serverlessrunner.runner.config.RunnerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Puts a {@link ConnectionGuard} on every connection of the runner's HTTP port.
 *
 * <p>Why this reaches under Quarkus: neither Quarkus nor Vert.x 4 offers a hook for a connection
 * before its first request's headers are complete — Quarkus creates the HttpServer itself, and a
 * Vert.x {@code invalidRequestHandler} or {@code connectionHandler} must be set before {@code
 * listen}. So once the server listens, the guard is added to the listening Netty channel, which
 * hands it to each accepted connection. The only internal read is the listening channel (a private
 * field of Vert.x's TCPServerBase); if it ever fails, the runner logs it and serves with the
 * framework's defaults (the tests of the error contract then fail).
 *
 * <p>It also turns off cleartext HTTP/2 upgrades (h2c), so a connection's HTTP/1 pipeline exists as
 * soon as it is accepted; clients of the runner speak HTTP/1.1.
 */
@Singleton
public class ConnectionGuards implements HttpServerOptionsCustomizer {

  private static final Logger LOG = Logger.getLogger(ConnectionGuards.class);

  private final Vertx vertx;
  private final long headerTimeoutMillis;
  private final HttpRefusals refusals;
  private final AtomicInteger guardedServers = new AtomicInteger();

  public ConnectionGuards(Vertx vertx, RunnerConfig config, HttpRefusals refusals) {
    this.vertx = vertx;
    this.headerTimeoutMillis = config.http().headerTimeout().toMillis();
    this.refusals = refusals;
  }

  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    options.setHttp2ClearTextEnabled(false);
  }

  void install(@ObservesAsync HttpServerStart started) {
    installOnListeningServers();
  }

  /** How many listening HTTP servers carry the guard (tests wait for it after start). */
  public int guardedServers() {
    return guardedServers.get();
  }

  synchronized void installOnListeningServers() {
    if (guardedServers.get() > 0) {
      return;
    }
    try {
      Field bindFuture = TCPServerBase.class.getDeclaredField("bindFuture");
      bindFuture.setAccessible(true);
      for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
        @SuppressWarnings("unchecked")
        Future<Channel> bound = (Future<Channel>) bindFuture.get(server);
        if (bound != null && bound.succeeded()) {
          bound.result().pipeline().addFirst("sr-guard-accepted", new OnAccept());
          guardedServers.incrementAndGet();
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warnf(
          "could not guard the HTTP port's connections (%s): slow headers are not timed out and"
              + " framing errors get Vert.x's empty answers",
          e.toString());
      return;
    }
    LOG.debugf(
        "guarding %d HTTP server(s): header timeout %d ms",
        guardedServers.get(), headerTimeoutMillis);
  }

  /** On the listening channel: gives each accepted connection its guard. */
  @ChannelHandler.Sharable
  private final class OnAccept extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        accepted.pipeline().addFirst(new PlaceGuard());
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** On one connection until it is active, when Vert.x has built its HTTP/1 pipeline. */
  private final class PlaceGuard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ChannelPipeline pipeline = ctx.pipeline();
      if (pipeline.get("httpDecoder") != null && pipeline.get("httpEncoder") != null) {
        ConnectionGuard guard = new ConnectionGuard(headerTimeoutMillis, refusals);
        pipeline.addBefore("httpDecoder", ConnectionGuard.BYTES_NAME, guard.bytesWatcher());
        pipeline.addAfter("httpEncoder", ConnectionGuard.NAME, guard);
      }
      pipeline.remove(this);
      ctx.fireChannelActive();
    }
  }
}
