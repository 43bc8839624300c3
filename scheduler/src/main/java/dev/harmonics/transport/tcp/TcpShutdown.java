package dev.harmonics.transport.tcp;

import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.TimeUnit;

/**
 * Stops a TCP end in the order its threads depend on each other: close every connection first
 * (their close events go to the handler threads, whose reactions go back to the I/O threads), then
 * let the handler threads go quiet while the I/O threads still run, and stop the I/O threads last.
 */
final class TcpShutdown {

  private static final long QUIET_MILLIS = 20;
  private static final long TIMEOUT_MILLIS = 2000;

  private TcpShutdown() {}

  static void stop(ChannelGroup channels, EventExecutorGroup io, EventExecutorGroup handlers) {
    channels.close().awaitUninterruptibly(TIMEOUT_MILLIS);
    handlers.shutdownGracefully(QUIET_MILLIS, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .syncUninterruptibly();
    io.shutdownGracefully(0, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }
}
