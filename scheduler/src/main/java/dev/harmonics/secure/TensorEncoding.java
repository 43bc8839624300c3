package dev.harmonics.secure;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * Feeds a tensor to a digest in one defined byte form, the same on every platform and for every
 * memory layout: a dtype code byte, the rank and each dimension as big-endian int32, then the
 * elements in logical row-major order, each little-endian. Shapes are hashed so that the same
 * bytes under another shape give another proof.
 */
final class TensorEncoding {

  private static final int CHUNK_BYTES = 1 << 20;
  private static final boolean NATIVE_LITTLE_ENDIAN =
      ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private TensorEncoding() {}

  static byte code(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> 1;
      case INT8 -> 2;
      case INT32 -> 3;
    };
  }

  static void feed(MessageDigest md, Tensor t) {
    int[] shape = t.shape();
    ByteBuffer header = ByteBuffer.allocate(1 + 4 + 4 * shape.length);
    header.put(code(t.dtype())).putInt(shape.length);
    for (int d : shape) {
      header.putInt(d);
    }
    md.update(header.flip());
    if (t.isContiguous() && (NATIVE_LITTLE_ENDIAN || t.dtype() == DType.INT8)) {
      feedBytes(md, t.data());
      return;
    }
    feedElementwise(md, t);
  }

  /**
   * Off-heap bytes go to the digest in place; heap segments over float or int arrays cannot be
   * viewed as a byte buffer, so they pass through a byte array chunk by chunk.
   */
  private static void feedBytes(MessageDigest md, MemorySegment data) {
    long size = data.byteSize();
    byte[] chunk = data.isNative() ? null : new byte[(int) Math.min(CHUNK_BYTES, size)];
    for (long at = 0; at < size; at += CHUNK_BYTES) {
      int n = (int) Math.min(CHUNK_BYTES, size - at);
      if (chunk == null) {
        md.update(data.asSlice(at, n).asByteBuffer());
      } else {
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
        md.update(chunk, 0, n);
      }
    }
  }

  /** Strided views and big-endian hosts: element by element through a little-endian buffer. */
  private static void feedElementwise(MessageDigest md, Tensor t) {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    int width = t.dtype().byteSize();
    MemorySegment storage = t.storage();
    for (long i = 0; i < t.size(); i++) {
      if (chunk.remaining() < width) {
        md.update(chunk.flip());
        chunk.clear();
      }
      long at = t.elementOffset(i) * width;
      switch (t.dtype()) {
        case FLOAT32, INT32 -> chunk.putInt(storage.get(ValueLayout.JAVA_INT_UNALIGNED, at));
        case INT8 -> chunk.put(storage.get(ValueLayout.JAVA_BYTE, at));
      }
    }
    md.update(chunk.flip());
  }
}
