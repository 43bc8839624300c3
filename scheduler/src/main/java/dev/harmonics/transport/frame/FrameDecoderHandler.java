package dev.harmonics.transport.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Netty side of {@link FrameDecoder}. It never allocates for a frame: bytes accumulate only as the
 * peer sends them, and the header's lengths are checked against the limits as soon as the header
 * is in, so an oversized announcement is refused before its body arrives. After the first invalid
 * frame it discards everything else on the connection, which the pipeline is closing.
 */
public final class FrameDecoderHandler extends ByteToMessageDecoder {

  private final FrameDecoder decoder;
  private boolean failed;

  public FrameDecoderHandler(int maxMessageSize) {
    this.decoder = new FrameDecoder(maxMessageSize);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws FrameException {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      Frame frame;
      while ((frame = decoder.decode(in)) != null) {
        out.add(frame);
      }
    } catch (FrameException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws FrameException {
    decode(ctx, in, out);
    if (!failed && in.isReadable()) {
      int have = in.readableBytes();
      String wanted = have >= FrameFormat.HEADER_BYTES
          ? String.valueOf(FrameDecoder.frameLength(in)) : "at least " + FrameFormat.HEADER_BYTES;
      in.skipBytes(have);
      failed = true;
      throw new FrameException("connection closed inside a frame: truncated after " + have
          + " bytes (expected: " + wanted + ")");
    }
  }
}
