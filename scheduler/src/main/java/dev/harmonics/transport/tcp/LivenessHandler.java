package dev.harmonics.transport.tcp;

import dev.harmonics.transport.TransportException;
import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.FrameType;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;

/**
 * Dead-peer detection on the I/O thread (so a connection handler blocked on a full inbox cannot
 * delay it): an idle writer sends a PING, and a connection that has read nothing, not even a
 * PING, for {@code deadAfter} is reported as dead. PINGs are consumed here.
 */
final class LivenessHandler extends ChannelDuplexHandler {

  private final Duration deadAfter;

  LivenessHandler(Duration deadAfter) {
    this.deadAfter = deadAfter;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.WRITER_IDLE) {
        ctx.writeAndFlush(Frame.ping());
      } else if (idle.state() == IdleState.READER_IDLE) {
        ctx.fireExceptionCaught(new TransportException(
            "nothing heard from the peer for " + deadAfter + ": presumed dead"));
      }
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Frame frame && frame.type() == FrameType.PING) {
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
