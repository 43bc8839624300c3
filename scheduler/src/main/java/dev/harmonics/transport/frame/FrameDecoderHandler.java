package dev.harmonics.transport.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Netty side of {@link FrameDecoder}. It never allocates for a frame before the frame's header has
 * passed its checks: bytes accumulate only as the peer sends them, and an oversized announcement is
 * refused as soon as the header is in. A large uncompressed DATA payload (1 MiB or more) is then
 * received straight into its tensor ({@link PayloadSink}); smaller frames are gathered whole, in a
 * buffer reserved once at the checked size. After the first invalid frame the handler discards
 * everything else on the connection, which the pipeline is closing.
 */
public final class FrameDecoderHandler extends ByteToMessageDecoder {

  /** Payloads from this size on are received into their tensor as they arrive. */
  static final int STREAM_THRESHOLD = 1 << 20;

  private final FrameDecoder decoder;
  private PayloadSink sink;
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
      while (true) {
        if (sink != null) {
          if (!sink.feed(in)) {
            return;
          }
          PayloadSink done = sink;
          sink = null;
          try {
            out.add(done.finish(in));
          } catch (FrameException e) {
            done.discard();
            throw e;
          }
          continue;
        }
        Frame frame = decoder.decode(in);
        if (frame != null) {
          out.add(frame);
          continue;
        }
        if (streamable(in)) {
          if (!startStreaming(in)) {
            return;
          }
          continue;
        }
        reserveForRestOfFrame(in);
        return;
      }
    } catch (FrameException e) {
      failed = true;
      discardSink();
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  /** True for a checked header of an uncompressed DATA frame big enough to stream. */
  private static boolean streamable(ByteBuf in) {
    if (in.readableBytes() < FrameFormat.HEADER_BYTES) {
      return false;
    }
    int start = in.readerIndex();
    return in.getUnsignedByte(start + 5) == FrameType.DATA.code()
        && (in.getUnsignedByte(start + 6) & FrameFormat.FLAG_COMPRESSED) == 0
        && in.getUnsignedInt(start + 16) >= STREAM_THRESHOLD;
  }

  /**
   * Starts receiving the payload into its tensor once the metadata is surely in (the largest
   * metadata fits in what has arrived); false while waiting for it.
   */
  private boolean startStreaming(ByteBuf in) throws FrameException {
    if (in.readableBytes() < FrameFormat.HEADER_BYTES + FrameFormat.MAX_METADATA_BYTES) {
      return false;
    }
    int start = in.readerIndex();
    long sequence = in.getLong(start + 8);
    long bodyLength = in.getUnsignedInt(start + 16);
    ByteBuf body = in.slice(start + FrameFormat.HEADER_BYTES,
        in.readableBytes() - FrameFormat.HEADER_BYTES);
    FrameDecoder.DataHead head = decoder.readHead(
        body, in.getUnsignedByte(start + 6), in.getUnsignedByte(start + 7), sequence);
    int metadata = body.readerIndex();
    if (bodyLength != (long) metadata + head.payloadBytes()) {
      throw new FrameException("tensor '" + head.name() + "' carries "
          + (bodyLength - metadata) + " payload bytes (expected: " + head.payloadBytes()
          + " for " + head.describe() + ")");
    }
    CRC32C crc = new CRC32C();
    for (ByteBuffer part : in.nioBuffers(start, FrameFormat.HEADER_BYTES + metadata)) {
      crc.update(part);
    }
    in.skipBytes(FrameFormat.HEADER_BYTES + metadata);
    sink = new PayloadSink(head, sequence, crc);
    return true;
  }

  /**
   * Once a header has passed its checks, grows the accumulation buffer to the whole frame at once,
   * so a frame is not copied again at every doubling while it arrives. The size is the one the
   * decoder has just accepted, so this allocates nothing it would not accept anyway.
   */
  private static void reserveForRestOfFrame(ByteBuf in) {
    if (in.readableBytes() >= FrameFormat.HEADER_BYTES && !streamable(in)) {
      long missing = FrameDecoder.frameLength(in) - in.readableBytes();
      if (missing > in.writableBytes() && in.refCnt() == 1 && !in.isReadOnly()) {
        in.ensureWritable((int) missing);
      }
    }
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws FrameException {
    decode(ctx, in, out);
    if (failed) {
      return;
    }
    String truncated = null;
    if (sink != null) {
      truncated = sink.progress();
      discardSink();
    } else if (in.isReadable()) {
      truncated = in.readableBytes() + " bytes (expected: "
          + (in.readableBytes() >= FrameFormat.HEADER_BYTES
              ? String.valueOf(FrameDecoder.frameLength(in))
              : "at least " + FrameFormat.HEADER_BYTES) + ")";
    }
    if (truncated != null) {
      in.skipBytes(in.readableBytes());
      failed = true;
      throw new FrameException("connection closed inside a frame: truncated after " + truncated);
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    discardSink();
  }

  private void discardSink() {
    if (sink != null) {
      sink.discard();
      sink = null;
    }
  }
}
