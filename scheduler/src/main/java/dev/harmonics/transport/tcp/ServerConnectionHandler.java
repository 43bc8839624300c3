package dev.harmonics.transport.tcp;

import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.FrameType;
import dev.harmonics.transport.link.FrameLink;
import dev.harmonics.transport.link.SharedSecret;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One accepted connection: the first frame must be a HELLO with the right token; after the
 * WELCOME, frames go to the connection's {@link FrameLink}. Anything wrong closes this connection
 * only, after telling the peer why in an ERROR frame.
 */
final class ServerConnectionHandler extends ChannelInboundHandlerAdapter {

  private static final long LINGER_MILLIS = 500;

  private final TcpTensorServer server;
  private FrameLink link;
  private boolean refused;

  ServerConnectionHandler(TcpTensorServer server) {
    this.server = server;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws InterruptedException {
    Frame frame = (Frame) msg;
    if (refused) {
      discard(frame);
      return;
    }
    if (link != null) {
      link.onFrame(frame);
      return;
    }
    if (frame.type() != FrameType.HELLO) {
      discard(frame);
      refuse(ctx, "expected a HELLO first, got a " + frame.type() + " frame");
      return;
    }
    if (!SharedSecret.admits(server.binding().token(), frame.bytes())) {
      refuse(ctx, "the token does not match");
      return;
    }
    link = new FrameLink(peer(ctx), frame.sequence(), new NettyWriter(ctx.channel()),
        server.inbox());
    ctx.writeAndFlush(Frame.welcome(server.endpointId()));
    server.register(link);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    refuse(ctx, TcpPipeline.reason(cause));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (link != null) {
      link.abandon("the connection was closed");
      server.forget(link);
    }
  }

  private void refuse(ChannelHandlerContext ctx, String reason) {
    if (refused) {
      return;
    }
    refused = true;
    server.refuse(peer(ctx), reason);
    if (link != null) {
      link.abandon(reason);
    }
    ctx.writeAndFlush(Frame.error(reason)).addListener(written -> stopWriting(ctx));
    ctx.channel().eventLoop().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Closing a socket that still has unread input makes the kernel send a reset, which can destroy
   * the ERROR frame before the peer reads it. So the refusal stops writing once the ERROR is out,
   * keeps discarding input for a moment (the decoder drops everything after a refusal), and only
   * then closes; the close comes after the linger even when the ERROR cannot be written (a peer
   * that never finished its TLS handshake).
   */
  private static void stopWriting(ChannelHandlerContext ctx) {
    if (ctx.channel() instanceof SocketChannel socket && socket.isActive()) {
      socket.shutdownOutput();
    }
  }

  private static void discard(Frame frame) {
    if (frame.message() != null) {
      frame.message().tensor().close();
    }
  }

  private static String peer(ChannelHandlerContext ctx) {
    return String.valueOf(ctx.channel().remoteAddress());
  }
}
