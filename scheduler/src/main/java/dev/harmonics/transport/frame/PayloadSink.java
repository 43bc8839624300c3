package dev.harmonics.transport.frame;

import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorMessage;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A large uncompressed payload received straight into its tensor as the bytes arrive, instead of
 * first gathering the whole frame in one buffer: one copy of 16 MB fewer, and the connection's
 * buffer stays small. The CRC32C runs over the bytes as they land; the frame is only handed on once
 * the trailer matches.
 */
final class PayloadSink {

  private final FrameDecoder.DataHead head;
  private final long sequence;
  private final CRC32C crc;
  private final Tensor tensor;
  private final ByteBuffer target;
  private int written;

  /** @param crc the checksum over the frame's header and metadata, continued over the payload */
  PayloadSink(FrameDecoder.DataHead head, long sequence, CRC32C crc) {
    this.head = head;
    this.sequence = sequence;
    this.crc = crc;
    // Not zero-filled: every byte is written from the wire before the frame is handed on, and a
    // frame that stops short is discarded with its tensor unread.
    this.tensor = Tensor.allocateUninitialized(head.dtype(), head.shape());
    this.target = tensor.data().asByteBuffer();
  }

  /** Takes what it can of the payload from {@code in}; true once payload and trailer are in. */
  boolean feed(ByteBuf in) {
    int n = Math.min(in.readableBytes(), head.payloadBytes() - written);
    if (n > 0) {
      in.readBytes(target.slice(written, n));
      crc.update(target.slice(written, n));
      written += n;
    }
    return written == head.payloadBytes() && in.readableBytes() >= FrameFormat.TRAILER_BYTES;
  }

  /** Checks the trailer and hands over the frame; the tensor then belongs to the frame. */
  Frame finish(ByteBuf in) throws FrameException {
    int stated = in.readInt();
    int computed = (int) crc.getValue();
    if (computed != stated) {
      throw new FrameException(String.format(
          "CRC32C mismatch in DATA frame %d: computed 0x%08X, trailer says 0x%08X (corrupted)",
          sequence, computed, stated));
    }
    WireOrder.toNative(tensor);
    return Frame.data(sequence, new TensorMessage(head.name(), tensor, head.proof()));
  }

  /** How far the payload got, for a truncation message. */
  String progress() {
    return written + " of " + head.payloadBytes() + " payload bytes of '" + head.name() + "'";
  }

  /** Frees the tensor of a frame that will not be handed over. */
  void discard() {
    tensor.close();
  }
}
