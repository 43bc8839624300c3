package dev.harmonics.transport.tcp;

import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.FrameType;
import dev.harmonics.transport.link.FrameLink;
import dev.harmonics.transport.link.LinkFailure;
import dev.harmonics.transport.link.SharedSecret;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;

/**
 * The connecting side of one connection: sends the HELLO, turns the WELCOME into a
 * {@link FrameLink} (or an ERROR into a failed handshake), then hands frames to the link.
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter {

  private final TcpTensorClient client;
  private final CompletableFuture<FrameLink> handshake = new CompletableFuture<>();
  private FrameLink link;

  ClientConnectionHandler(TcpTensorClient client) {
    this.client = client;
  }

  CompletableFuture<FrameLink> handshake() {
    return handshake;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(Frame.hello(client.endpointId(),
        SharedSecret.bytes(client.binding().token())));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws InterruptedException {
    Frame frame = (Frame) msg;
    if (link != null) {
      link.onFrame(frame);
    } else if (frame.type() == FrameType.WELCOME) {
      link = new FrameLink(client.binding().host() + ":" + client.binding().port(),
          frame.sequence(), new NettyWriter(ctx.channel()), client.inbox());
      handshake.complete(link);
    } else if (frame.type() == FrameType.ERROR) {
      fail(ctx, "the server refused the connection: " + frame.text());
    } else {
      if (frame.message() != null) {
        frame.message().tensor().close();
      }
      fail(ctx, "expected a WELCOME, got a " + frame.type() + " frame");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, TcpPipeline.reason(cause));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx, "the connection was closed");
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
    handshake.completeExceptionally(new LinkFailure(reason));
    if (link != null) {
      link.abandon(reason);
    }
    if (ctx.channel().isOpen()) {
      ctx.close();
    }
  }
}
