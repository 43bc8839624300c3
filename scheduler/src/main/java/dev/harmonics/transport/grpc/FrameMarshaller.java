package dev.harmonics.transport.grpc;

import dev.harmonics.transport.frame.Frame;
import dev.harmonics.transport.frame.FrameDecoder;
import dev.harmonics.transport.frame.FrameEncoder;
import dev.harmonics.transport.frame.FrameException;
import dev.harmonics.transport.frame.FrameFormat;
import dev.harmonics.transport.frame.FrameType;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * gRPC messages are our frames, unchanged: no protoc step, and the same validation as TCP. gRPC
 * already caps a message at {@code maxInboundMessageSize}; parsing still reads the header first and
 * checks it before allocating room for the rest.
 */
final class FrameMarshaller implements MethodDescriptor.Marshaller<Frame> {

  /**
   * The sequence of the ERROR frame that {@link #parse} returns for invalid input on a server; a
   * peer's own ERROR frames carry 0.
   */
  static final long INVALID_INPUT = -1;

  private static final int COPY_CHUNK = 256 << 10;

  private final FrameEncoder encoder;
  private final int maxMessageSize;
  private final boolean invalidAsFrame;

  /**
   * @param invalidAsFrame on a server, invalid input becomes an ERROR frame with sequence
   *     {@link #INVALID_INPUT} so the call's handler can refuse it with the reason (an exception
   *     thrown here would reach the caller only as "UNKNOWN: Application error"); on a client it
   *     fails the call
   */
  FrameMarshaller(boolean compress, int maxMessageSize, boolean invalidAsFrame) {
    this.encoder = new FrameEncoder(compress, maxMessageSize);
    this.maxMessageSize = maxMessageSize;
    this.invalidAsFrame = invalidAsFrame;
  }

  /**
   * Reads the rest of the message through a fixed chunk. ByteBuf.writeBytes(InputStream, n) would
   * allocate a temporary array of the whole remaining length on every partial read, and gRPC's
   * streams return one HTTP/2 data frame at a time: for 16 MB that was gigabytes of garbage.
   */
  private static void copy(InputStream in, ByteBuf target) throws IOException {
    byte[] chunk = new byte[Math.min(COPY_CHUNK, Math.max(target.writableBytes(), 1))];
    int n;
    while (target.isWritable()
        && (n = in.read(chunk, 0, Math.min(chunk.length, target.writableBytes()))) > 0) {
      target.writeBytes(chunk, 0, n);
    }
  }

  @Override
  public InputStream stream(Frame frame) {
    return new FrameStream(encoder.encode(frame, PooledByteBufAllocator.DEFAULT));
  }

  @Override
  public Frame parse(InputStream in) {
    FrameDecoder decoder = new FrameDecoder(maxMessageSize);
    ByteBuf whole = null;
    try {
      byte[] header = in.readNBytes(FrameFormat.HEADER_BYTES);
      ByteBuf head = Unpooled.wrappedBuffer(header);
      Frame small = decoder.decode(head);
      if (small != null || header.length < FrameFormat.HEADER_BYTES) {
        throw new FrameException(small != null ? "frame without its CRC trailer"
            : "message of " + header.length + " bytes is shorter than a frame header");
      }
      int length = (int) FrameDecoder.frameLength(head);
      whole = PooledByteBufAllocator.DEFAULT.directBuffer(length);
      whole.writeBytes(header);
      copy(in, whole);
      Frame frame = decoder.decode(whole);
      if (frame == null) {
        throw new FrameException("message truncated after " + whole.readableBytes()
            + " bytes (expected: " + length + ")");
      }
      if (in.read() >= 0) {
        throw new FrameException("bytes after the frame's CRC trailer");
      }
      return frame;
    } catch (FrameException e) {
      if (invalidAsFrame) {
        return new Frame(FrameType.ERROR, INVALID_INPUT, null,
            ("invalid frame: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
      }
      throw Status.INVALID_ARGUMENT.withDescription("invalid frame: " + e.getMessage())
          .asRuntimeException();
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot read a frame: " + e.getMessage())
          .withCause(e).asRuntimeException();
    } finally {
      if (whole != null) {
        whole.release();
      }
    }
  }
}
