package dev.harmonics.transport.tcp;

import dev.harmonics.transport.LinkPolicy;
import dev.harmonics.transport.RemoteBinding;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.link.FrameLink;
import dev.harmonics.transport.link.LinkFailure;
import dev.harmonics.transport.link.NetworkChannel;
import dev.harmonics.transport.link.TensorInbox;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
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
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The connecting end of a TCP binding: one connection at a time, made again (with the policy's
 * backoff) whenever a send finds it gone. The host name is resolved on every connection attempt.
 */
public final class TcpTensorClient extends NetworkChannel {

  /** Received tensors held before the server is held back. */
  public static final int INBOX_CAPACITY = 64;

  private final MultiThreadIoEventLoopGroup io;
  private final DefaultEventExecutorGroup blocking;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final SslContext tls;
  private volatile FrameLink current;

  private TcpTensorClient(RemoteBinding binding, LinkPolicy policy) {
    super(binding, policy, INBOX_CAPACITY);
    if (binding.port() == 0) {
      throw new IllegalArgumentException(binding.describe() + ": a client needs a port");
    }
    this.tls = TlsContexts.client(binding);
    this.io = new MultiThreadIoEventLoopGroup(1, TcpIo.ioHandlers());
    this.blocking = new DefaultEventExecutorGroup(1);
  }

  /**
   * Connects to the binding's server, retrying with the policy's backoff.
   *
   * @throws TransportException naming the binding when every attempt failed
   */
  public static TcpTensorClient connect(RemoteBinding binding, LinkPolicy policy) {
    TcpTensorClient client = new TcpTensorClient(binding, policy);
    client.linkWithRetries();
    return client;
  }

  /**
   * Takes the next tensor the server sent. When the connection has dropped, one reconnection is
   * tried first so the server can deliver again.
   */
  @Override
  public Optional<TensorMessage> receive(Duration timeout) {
    FrameLink link = current;
    if (!isClosed() && (link == null || !link.isOpen()) && inbox.size() == 0) {
      try {
        link();
      } catch (LinkFailure e) {
        // Nothing to receive over a dead link; the inbox may still hold earlier tensors.
      }
    }
    return super.receive(timeout);
  }

  @Override
  protected synchronized FrameLink link() throws LinkFailure {
    FrameLink link = current;
    if (link != null && link.isOpen()) {
      return link;
    }
    if (isClosed()) {
      throw new LinkFailure("the client is closed");
    }
    InetSocketAddress address;
    try {
      address = binding.resolve();
    } catch (TransportException e) {
      throw new LinkFailure(e.getMessage(), e);
    }
    ClientConnectionHandler handler = new ClientConnectionHandler(this);
    ChannelFuture connected = new Bootstrap()
        .group(io)
        .channel(TcpIo.socketChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) policy.deadAfter().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.RCVBUF_ALLOCATOR, TcpPipeline.READS)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            TcpPipeline.build(ch.pipeline(),
                tls == null ? null : tls.newHandler(ch.alloc(), binding.host(), binding.port()),
                binding, policy, blocking, handler);
          }
        })
        .connect(address);
    connected.awaitUninterruptibly();
    if (!connected.isSuccess()) {
      throw new LinkFailure("cannot connect to " + address + ": "
          + TcpPipeline.reason(connected.cause()), connected.cause());
    }
    try {
      current = handler.handshake().get(policy.deadAfter().toMillis(), TimeUnit.MILLISECONDS);
      return current;
    } catch (ExecutionException e) {
      connected.channel().close();
      throw new LinkFailure(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      connected.channel().close();
      throw new LinkFailure("no answer to the handshake within " + policy.deadAfter());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connected.channel().close();
      throw new LinkFailure("interrupted during the handshake", e);
    }
  }

  @Override
  protected void shutdown() {
    FrameLink link = current;
    if (link != null) {
      link.close("the client is closing");
    }
    TcpShutdown.stop(channels, io, blocking);
  }

  TensorInbox inbox() {
    return inbox;
  }

  long endpointId() {
    return endpointId;
  }
}
