package dev.harmonics.transport.frame;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Netty side of {@link FrameEncoder}: turns outbound {@link Frame}s into their bytes. */
public final class FrameEncoderHandler extends MessageToMessageEncoder<Frame> {

  private final FrameEncoder encoder;

  public FrameEncoderHandler(boolean compress, int maxMessageSize) {
    super(Frame.class);
    this.encoder = new FrameEncoder(compress, maxMessageSize);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
    out.add(encoder.encode(frame, ctx.alloc()));
  }
}
