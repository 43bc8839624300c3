package dev.harmonics.transport.frame;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * zstd compression of payloads. Level 1: tensors are mostly incompressible noise with some zero
 * runs, and the point of compressing at all is to save link time, which a slow level would eat.
 */
final class ZstdPayload {

  static final int LEVEL = 1;

  private ZstdPayload() {}

  /**
   * The compressed bytes of {@code source}, or null when compression does not make them smaller
   * (the frame then goes out uncompressed).
   */
  static ByteBuf compress(ByteBuffer source, ByteBufAllocator alloc) {
    int length = source.remaining();
    int bound = Math.toIntExact(Zstd.compressBound(length));
    ByteBuf out = alloc.directBuffer(bound);
    try {
      ByteBuffer target = out.nioBuffer(0, bound);
      long written = Zstd.compressDirectByteBuffer(
          target, target.position(), bound, source, source.position(), length, LEVEL);
      if (Zstd.isError(written)) {
        throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(written));
      }
      if (written >= length) {
        out.release();
        return null;
      }
      return out.writerIndex((int) written);
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /**
   * Decompresses {@code source} (a zstd frame) into {@code target}, which has exactly the size the
   * frame header announced. zstd stops at the target's end, so a payload that would expand further
   * (a decompression bomb) fails here without writing a byte past the announced size.
   */
  static void decompress(ByteBuf source, ByteBuffer target, String name) throws FrameException {
    int expected = target.remaining();
    ByteBuffer input = directView(source);
    long announced;
    long result;
    try {
      announced = Zstd.getDirectByteBufferFrameContentSize(
          input, input.position(), input.remaining());
      result = announced > expected ? 0 : Zstd.decompressDirectByteBuffer(
          target, target.position(), expected, input, input.position(), input.remaining());
    } catch (ZstdException e) {
      throw new FrameException("zstd payload of '" + name + "' is not a valid zstd frame: "
          + e.getMessage());
    }
    if (announced > expected) {
      throw new FrameException("zstd payload of '" + name + "' announces " + announced
          + " bytes after decompression (expected: " + expected
          + " from its shape): a decompression bomb, refused before decompressing");
    }
    if (Zstd.isError(result)) {
      throw new FrameException("zstd payload of '" + name + "' does not decompress into the "
          + expected + " bytes its shape announces (" + Zstd.getErrorName(result)
          + "): corrupt, or a decompression bomb");
    }
    if (result != expected) {
      throw new FrameException("zstd payload of '" + name + "' decompressed to " + result
          + " bytes (expected: " + expected + " from its shape)");
    }
  }

  /** The readable bytes as one direct buffer positioned at their start, copied only if needed. */
  private static ByteBuffer directView(ByteBuf source) {
    if (source.isDirect() && source.nioBufferCount() == 1) {
      return source.nioBuffer();
    }
    ByteBuffer copy = ByteBuffer.allocateDirect(source.readableBytes());
    source.getBytes(source.readerIndex(), copy);
    return copy.flip();
  }
}
