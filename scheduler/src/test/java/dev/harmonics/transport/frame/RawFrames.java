package dev.harmonics.transport.frame;

import com.github.luben.zstd.Zstd;
import dev.harmonics.transport.TensorMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Hand-built frame bytes, valid or deliberately not, for the tests that attack the decoder. */
public final class RawFrames {

  private RawFrames() {}

  /** The bytes the real encoder writes for {@code frame}. */
  public static byte[] encode(Frame frame, boolean compress) {
    ByteBuf buf = new FrameEncoder(compress, Integer.MAX_VALUE)
        .encode(frame, UnpooledByteBufAllocator.DEFAULT);
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  public static byte[] encode(Frame frame) {
    return encode(frame, false);
  }

  public static byte[] hello(String token) {
    return encode(Frame.hello(42, token == null ? new byte[0] : token.getBytes()));
  }

  public static byte[] data(String name, TensorMessage message) {
    return encode(Frame.data(1, message));
  }

  /**
   * A DATA frame with a correct CRC whose float32 shape announces {@code shape} but whose zstd
   * payload decompresses to {@code realBytes} zero bytes: a decompression bomb when larger.
   */
  public static byte[] zstdBomb(long sequence, int[] shape, int realBytes) {
    byte[] payload = Zstd.compress(new byte[realBytes], 3);
    return dataFrame(sequence, FrameFormat.FLAG_COMPRESSED, 1, "bomb", shape, payload);
  }

  /** A DATA frame from its parts, with a correct body length and CRC. */
  public static byte[] dataFrame(
      long sequence, int flags, int dtypeCode, String name, int[] shape, byte[] payload) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    ByteBuf body = Unpooled.buffer();
    body.writeShort(nameBytes.length).writeBytes(nameBytes).writeByte(shape.length);
    for (int d : shape) {
      body.writeInt(d);
    }
    body.writeBytes(payload);
    ByteBuf frame = Unpooled.buffer();
    frame.writeInt(FrameFormat.MAGIC).writeByte(FrameFormat.VERSION)
        .writeByte(FrameType.DATA.code()).writeByte(flags).writeByte(dtypeCode)
        .writeLong(sequence).writeInt(body.readableBytes()).writeBytes(body);
    CRC32C crc = new CRC32C();
    crc.update(frame.nioBuffer());
    frame.writeInt((int) crc.getValue());
    return ByteBufUtil.getBytes(frame);
  }

  /** Only a header, announcing a body of {@code bodyLength} bytes that never comes. */
  public static byte[] headerOnly(long bodyLength) {
    ByteBuf frame = Unpooled.buffer();
    frame.writeInt(FrameFormat.MAGIC).writeByte(FrameFormat.VERSION)
        .writeByte(FrameType.DATA.code()).writeByte(0).writeByte(1)
        .writeLong(7).writeInt((int) bodyLength);
    return ByteBufUtil.getBytes(frame);
  }
}
