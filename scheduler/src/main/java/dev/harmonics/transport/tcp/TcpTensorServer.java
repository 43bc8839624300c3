package dev.harmonics.transport.tcp;

import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.ListeningChannel;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.link.FrameLink;
import dev.harmonics.transport.link.LinkFailure;
import dev.harmonics.transport.link.NetworkChannel;
import dev.harmonics.transport.link.PeerLinks;
import dev.harmonics.transport.link.TensorInbox;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The listening end of a TCP binding. Any number of peers may connect and send; what they send
 * lands in one inbox. {@link #send} goes to the most recently connected live peer, waiting for one
 * to connect (within the policy's retries) when none is.
 */
public final class TcpTensorServer extends NetworkChannel implements ListeningChannel {

  /** Received tensors held before senders are held back. */
  public static final int INBOX_CAPACITY = 64;

  private final MultiThreadIoEventLoopGroup io;
  private final DefaultEventExecutorGroup blocking;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel listener;
  private final PeerLinks links = new PeerLinks();

  private TcpTensorServer(RemoteBinding binding, LinkPolicy policy) {
    super(binding, policy, INBOX_CAPACITY);
    SslContext tls = TlsContexts.server(binding);
    io = new MultiThreadIoEventLoopGroup(2, TcpIo.ioHandlers());
    blocking = new DefaultEventExecutorGroup(2);
    try {
      listener = new ServerBootstrap()
          .group(io)
          .channel(TcpIo.serverChannel())
          .childOption(ChannelOption.RCVBUF_ALLOCATOR, TcpPipeline.READS)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              channels.add(ch);
              TcpPipeline.build(ch.pipeline(), tls == null ? null : tls.newHandler(ch.alloc()),
                  binding, policy, blocking, new ServerConnectionHandler(TcpTensorServer.this));
            }
          })
          .bind(binding.resolve())
          .syncUninterruptibly()
          .channel();
      boundTo(port());
    } catch (RuntimeException e) {
      shutdown();
      throw new TransportException(binding.describe() + ": cannot listen: " + e.getMessage(), e);
    }
  }

  /** Starts listening on the binding's host and port (port 0: any free port, see {@link #port}). */
  public static TcpTensorServer listen(RemoteBinding binding, LinkPolicy policy) {
    return new TcpTensorServer(binding, policy);
  }

  @Override
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  protected FrameLink link() throws LinkFailure {
    return links.newest(policy.maxBackoff());
  }

  @Override
  protected void shutdown() {
    links.closeAll("the server is closing");
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    TcpShutdown.stop(channels, io, blocking);
  }

  TensorInbox inbox() {
    return inbox;
  }

  long endpointId() {
    return endpointId;
  }

  void register(FrameLink link) {
    links.register(link);
  }

  void forget(FrameLink link) {
    links.forget(link);
  }

  /** Widened to this package: the connection handlers report refusals through it. */
  @Override
  protected void refuse(String peer, String reason) {
    super.refuse(peer, reason);
  }
}
