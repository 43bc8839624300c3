package dev.harmonics.transport.frame;

import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Writes frames. An uncompressed off-heap tensor goes out without a copy: the returned buffer wraps
 * the tensor's memory, so the tensor must stay open until the buffer has been written (senders wait
 * for the acknowledgement, which comes after the last byte).
 */
public final class FrameEncoder {

  private final boolean compress;
  private final int maxMessageSize;

  /**
   * @param compress whether DATA payloads are compressed with zstd (kept uncompressed when that
   *     does not make them smaller)
   * @param maxMessageSize the payload limit this side refuses to exceed, the same the peer enforces
   */
  public FrameEncoder(boolean compress, int maxMessageSize) {
    this.compress = compress;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * The bytes of {@code frame}, header to CRC trailer.
   *
   * @throws IllegalArgumentException when a DATA payload is larger than {@code maxMessageSize}
   */
  public ByteBuf encode(Frame frame, ByteBufAllocator alloc) {
    return switch (frame.type()) {
      case DATA -> encodeData(frame, alloc);
      default -> encodeSimple(frame, alloc);
    };
  }

  private ByteBuf encodeSimple(Frame frame, ByteBufAllocator alloc) {
    byte[] body = frame.bytes();
    ByteBuf out = alloc.buffer(FrameFormat.HEADER_BYTES + body.length + FrameFormat.TRAILER_BYTES);
    writeHeader(out, frame.type(), 0, 0, frame.sequence(), body.length);
    out.writeBytes(body);
    CRC32C crc = new CRC32C();
    crc.update(out.nioBuffer());
    return out.writeInt((int) crc.getValue());
  }

  private ByteBuf encodeData(Frame frame, ByteBufAllocator alloc) {
    TensorMessage message = frame.message();
    Tensor tensor = message.tensor();
    long payloadBytes = message.payloadBytes();
    if (payloadBytes > maxMessageSize) {
      throw new IllegalArgumentException("tensor '" + message.name() + "': " + tensor.describe()
          + " is " + payloadBytes + " bytes (expected: at most maxMessageSize " + maxMessageSize
          + ")");
    }
    ByteBuffer raw = WireOrder.payload(tensor);
    ByteBuf payload = compress && raw.remaining() > 0 ? ZstdPayload.compress(raw, alloc) : null;
    int flags = message.hasProof() ? FrameFormat.FLAG_PROOF : 0;
    if (payload != null) {
      flags |= FrameFormat.FLAG_COMPRESSED;
    } else {
      payload = Unpooled.wrappedBuffer(raw);
    }
    byte[] name = message.name().getBytes(StandardCharsets.UTF_8);
    int rank = tensor.rank();
    int metadata = 2 + name.length + 1 + 4 * rank
        + (message.hasProof() ? 4 + message.proof().length : 0);
    ByteBuf head = alloc.buffer(FrameFormat.HEADER_BYTES + metadata);
    writeHeader(head, FrameType.DATA, flags, FrameFormat.dtypeCode(tensor.dtype()),
        frame.sequence(), metadata + payload.readableBytes());
    head.writeShort(name.length).writeBytes(name).writeByte(rank);
    for (int d : tensor.shape()) {
      head.writeInt(d);
    }
    if (message.hasProof()) {
      head.writeInt(message.proof().length).writeBytes(message.proof());
    }
    CRC32C crc = new CRC32C();
    crc.update(head.nioBuffer());
    for (ByteBuffer part : payload.nioBuffers()) {
      crc.update(part);
    }
    ByteBuf trailer = alloc.buffer(FrameFormat.TRAILER_BYTES).writeInt((int) crc.getValue());
    CompositeByteBuf whole = alloc.compositeBuffer(3);
    return whole.addComponents(true, head, payload, trailer);
  }

  private static void writeHeader(
      ByteBuf out, FrameType type, int flags, int dtype, long sequence, int bodyLength) {
    out.writeInt(FrameFormat.MAGIC)
        .writeByte(FrameFormat.VERSION)
        .writeByte(type.code())
        .writeByte(flags)
        .writeByte(dtype)
        .writeLong(sequence)
        .writeInt(bodyLength);
  }
}
