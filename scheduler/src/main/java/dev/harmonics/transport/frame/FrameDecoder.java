package dev.harmonics.transport.frame;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorMessage;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads frames, trusting nothing: every field is checked against the layout and the limits before
 * it is used, lengths before anything is allocated, the CRC32C before the body is parsed, and a
 * compressed payload's size while it decompresses. Invalid input throws {@link FrameException}
 * naming the field; the caller then drops the connection.
 */
public final class FrameDecoder {

  private static final long SATURATED = Long.MAX_VALUE / 2;

  private final int maxMessageSize;
  private final int maxDataBody;

  /** @param maxMessageSize the largest tensor payload accepted, wire and decompressed */
  public FrameDecoder(int maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
    this.maxDataBody = maxMessageSize + FrameFormat.MAX_METADATA_BYTES;
  }

  /**
   * Decodes the frame at the reader index of {@code in}, consuming it.
   *
   * @return the frame, or null when {@code in} does not hold all of it yet (nothing consumed)
   * @throws FrameException when the bytes are not a valid frame
   */
  public Frame decode(ByteBuf in) throws FrameException {
    int start = in.readerIndex();
    int available = in.readableBytes();
    if (available >= 4 && in.getInt(start) != FrameFormat.MAGIC) {
      throw new FrameException(String.format(
          "bad magic 0x%08X (expected: 0x%08X 'HMTF'): not a Harmonics tensor frame",
          in.getInt(start), FrameFormat.MAGIC));
    }
    if (available < FrameFormat.HEADER_BYTES) {
      return null;
    }
    int version = in.getUnsignedByte(start + 4);
    if (version != FrameFormat.VERSION) {
      throw new FrameException(
          "frame version " + version + " (expected: " + FrameFormat.VERSION + ")");
    }
    int typeCode = in.getUnsignedByte(start + 5);
    FrameType type = FrameType.ofCode(typeCode);
    if (type == null) {
      throw new FrameException("unknown frame type " + typeCode);
    }
    int flags = in.getUnsignedByte(start + 6);
    int dtypeCode = in.getUnsignedByte(start + 7);
    long sequence = in.getLong(start + 8);
    long bodyLength = in.getUnsignedInt(start + 16);
    checkHeader(type, flags, dtypeCode, bodyLength, sequence);
    int frameLength = FrameFormat.HEADER_BYTES + (int) bodyLength + FrameFormat.TRAILER_BYTES;
    if (available < frameLength) {
      return null;
    }
    checkCrc(in, start, frameLength, type, sequence);
    ByteBuf body = in.slice(start + FrameFormat.HEADER_BYTES, (int) bodyLength);
    Frame frame = switch (type) {
      case DATA -> new Frame(type, sequence, readData(body, flags, dtypeCode, sequence), null);
      case HELLO, ERROR -> new Frame(type, sequence, null, bytesOf(body));
      default -> new Frame(type, sequence, null, null);
    };
    in.skipBytes(frameLength);
    return frame;
  }

  /** How many bytes the frame whose header is at {@code in}'s reader index needs in all. */
  public static long frameLength(ByteBuf in) {
    return FrameFormat.HEADER_BYTES + in.getUnsignedInt(in.readerIndex() + 16)
        + FrameFormat.TRAILER_BYTES;
  }

  private void checkHeader(FrameType type, int flags, int dtypeCode, long bodyLength, long seq)
      throws FrameException {
    long limit = switch (type) {
      case DATA -> maxDataBody;
      case HELLO, ERROR -> FrameFormat.MAX_TEXT_BYTES;
      default -> 0;
    };
    if (bodyLength > limit) {
      throw new FrameException(type + " frame " + seq + " announces a body of " + bodyLength
          + " bytes (expected: at most " + limit
          + (type == FrameType.DATA ? ", maxMessageSize " + maxMessageSize + " plus metadata" : "")
          + ")");
    }
    if (type == FrameType.DATA) {
      if ((flags & ~FrameFormat.KNOWN_FLAGS) != 0) {
        throw new FrameException("DATA frame " + seq + " has unknown flags 0x"
            + Integer.toHexString(flags));
      }
      if (FrameFormat.dtypeOf(dtypeCode) == null) {
        throw new FrameException("DATA frame " + seq + " has unknown dtype code " + dtypeCode);
      }
    } else if (flags != 0 || dtypeCode != 0) {
      throw new FrameException(
          type + " frame has flags " + flags + " and dtype " + dtypeCode + " (expected: 0 and 0)");
    }
  }

  private static void checkCrc(ByteBuf in, int start, int frameLength, FrameType type, long seq)
      throws FrameException {
    int covered = frameLength - FrameFormat.TRAILER_BYTES;
    CRC32C crc = new CRC32C();
    for (ByteBuffer part : in.nioBuffers(start, covered)) {
      crc.update(part);
    }
    int computed = (int) crc.getValue();
    int stated = in.getInt(start + covered);
    if (computed != stated) {
      throw new FrameException(String.format(
          "CRC32C mismatch in %s frame %d: computed 0x%08X, trailer says 0x%08X (corrupted)",
          type, seq, computed, stated));
    }
  }

  private TensorMessage readData(ByteBuf body, int flags, int dtypeCode, long seq)
      throws FrameException {
    DataHead head = readHead(body, flags, dtypeCode, seq);
    ByteBuf payload = body.slice(body.readerIndex(), body.readableBytes());
    if (!head.compressed() && payload.readableBytes() != head.payloadBytes()) {
      throw new FrameException("tensor '" + head.name() + "' carries " + payload.readableBytes()
          + " payload bytes (expected: " + head.payloadBytes() + " for " + head.describe() + ")");
    }
    Tensor tensor = Tensor.allocate(head.dtype(), head.shape());
    try {
      ByteBuffer target = tensor.data().asByteBuffer();
      if (head.compressed()) {
        ZstdPayload.decompress(payload, target, head.name());
      } else {
        payload.getBytes(payload.readerIndex(), target);
      }
      WireOrder.toNative(tensor);
      return new TensorMessage(head.name(), tensor, head.proof());
    } catch (FrameException | RuntimeException e) {
      tensor.close();
      throw e;
    }
  }

  /**
   * Reads and checks a DATA body's fields up to its payload, leaving {@code body}'s reader index at
   * the payload. Every size is checked against the limits here.
   */
  DataHead readHead(ByteBuf body, int flags, int dtypeCode, long seq) throws FrameException {
    Fields fields = new Fields(body, seq);
    int nameLength = fields.unsignedShort("name length");
    if (nameLength < 1 || nameLength > TensorMessage.MAX_NAME_BYTES) {
      throw new FrameException("DATA frame " + seq + ": name length " + nameLength
          + " (expected: 1 to " + TensorMessage.MAX_NAME_BYTES + ")");
    }
    String name = fields.text(nameLength, "name");
    int rank = fields.unsignedByte("rank of '" + name + "'");
    if (rank > FrameFormat.MAX_RANK) {
      throw new FrameException("tensor '" + name + "' has rank " + rank
          + " (expected: at most " + FrameFormat.MAX_RANK + ")");
    }
    DType dtype = FrameFormat.dtypeOf(dtypeCode);
    int[] shape = new int[rank];
    long payloadBytes = dtype.byteSize();
    for (int d = 0; d < rank; d++) {
      shape[d] = fields.integer("dimension " + d + " of '" + name + "'");
      if (shape[d] < 0) {
        throw new FrameException("tensor '" + name + "' has shape " + Arrays.toString(shape)
            + " with a negative dimension");
      }
      // Saturate instead of overflowing: any size past the limit is refused the same way.
      payloadBytes = payloadBytes > SATURATED / Math.max(shape[d], 1)
          ? SATURATED : payloadBytes * shape[d];
    }
    if (payloadBytes > maxMessageSize) {
      throw new FrameException("tensor '" + name + "' " + dtype.name().toLowerCase()
          + Arrays.toString(shape) + " would be " + payloadBytes
          + " bytes (expected: at most maxMessageSize " + maxMessageSize + ")");
    }
    byte[] proof = null;
    if ((flags & FrameFormat.FLAG_PROOF) != 0) {
      int proofLength = fields.integer("proof length of '" + name + "'");
      if (proofLength < 1 || proofLength > TensorMessage.MAX_PROOF_BYTES) {
        throw new FrameException("tensor '" + name + "': proof length " + proofLength
            + " (expected: 1 to " + TensorMessage.MAX_PROOF_BYTES + ")");
      }
      proof = bytesOf(fields.take(proofLength, "proof of '" + name + "'"));
    }
    return new DataHead(name, dtype, shape, proof, (int) payloadBytes,
        (flags & FrameFormat.FLAG_COMPRESSED) != 0);
  }

  /** A DATA frame's checked fields before its payload. */
  record DataHead(String name, DType dtype, int[] shape, byte[] proof, int payloadBytes,
      boolean compressed) {

    String describe() {
      return dtype.name().toLowerCase() + Arrays.toString(shape);
    }
  }

  private static byte[] bytesOf(ByteBuf buf) {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), bytes);
    return bytes;
  }

  /** Sequential reads from a DATA body that fail with the field's name when the body is short. */
  private record Fields(ByteBuf body, long seq) {

    private void need(int bytes, String what) throws FrameException {
      if (body.readableBytes() < bytes) {
        throw new FrameException("DATA frame " + seq + " ends inside its " + what + " (needs "
            + bytes + " bytes, " + body.readableBytes() + " left)");
      }
    }

    int unsignedShort(String what) throws FrameException {
      need(2, what);
      return body.readUnsignedShort();
    }

    int unsignedByte(String what) throws FrameException {
      need(1, what);
      return body.readUnsignedByte();
    }

    int integer(String what) throws FrameException {
      need(4, what);
      return body.readInt();
    }

    String text(int length, String what) throws FrameException {
      return take(length, what).toString(StandardCharsets.UTF_8);
    }

    ByteBuf take(int length, String what) throws FrameException {
      need(length, what);
      return body.readSlice(length);
    }
  }
}
