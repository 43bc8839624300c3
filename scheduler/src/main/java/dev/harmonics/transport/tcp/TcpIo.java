package dev.harmonics.transport.tcp;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Which Netty I/O implementation the TCP transport uses: Linux's native epoll where its library
 * loads (fewer copies through the JDK's selector layer and direct control of socket options), NIO
 * everywhere else. The choice is made once per process and logged once when it falls back.
 */
final class TcpIo {

  private static final System.Logger LOG = System.getLogger(TcpIo.class.getName());

  /** True when the native epoll transport is used; read once. */
  static final boolean EPOLL = epollAvailable();

  private TcpIo() {}

  static IoHandlerFactory ioHandlers() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  static Class<? extends SocketChannel> socketChannel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  static Class<? extends ServerChannel> serverChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** The name of the I/O implementation in use, for logs and benchmarks. */
  static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  private static boolean epollAvailable() {
    if (Boolean.getBoolean("harmonics.transport.nio")) {
      LOG.log(System.Logger.Level.INFO, "TCP transport: NIO (harmonics.transport.nio is set)");
      return false;
    }
    try {
      if (Epoll.isAvailable()) {
        return true;
      }
      LOG.log(System.Logger.Level.INFO, "TCP transport: native epoll unavailable ("
          + Epoll.unavailabilityCause() + "); using NIO");
    } catch (LinkageError e) {
      // The epoll classes are an optional dependency; without them NIO is the only choice.
      LOG.log(System.Logger.Level.INFO,
          "TCP transport: native epoll classes not on the class path (" + e + "); using NIO");
    }
    return false;
  }
}
