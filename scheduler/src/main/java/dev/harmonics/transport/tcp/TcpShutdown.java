package dev.harmonics.transport.tcp;

import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.TimeUnit;

/**
 * Stops a TCP end in the order its threads depend on each other: close every connection, stop the
 * I/O threads after a quiet period (a closed channel still deregisters later and tells its handler,
 * which runs on the handler threads), and stop the handler threads last. Handlers only touch a
 * channel that is still open, so nothing they do after the I/O threads stop needs them.
 */
final class TcpShutdown {

  private static final long QUIET_MILLIS = 20;
  private static final long TIMEOUT_MILLIS = 2000;

  private TcpShutdown() {}

  static void stop(ChannelGroup channels, EventExecutorGroup io, EventExecutorGroup handlers) {
    channels.close().awaitUninterruptibly(TIMEOUT_MILLIS);
    io.shutdownGracefully(QUIET_MILLIS, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .syncUninterruptibly();
    handlers.shutdownGracefully(QUIET_MILLIS, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .syncUninterruptibly();
  }
}
