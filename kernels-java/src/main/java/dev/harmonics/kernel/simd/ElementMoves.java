package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Raw byte movement shared by the layout kernels: copies and fills that pick a bulk intrinsic for
 * long spans and plain word moves for short ones, where the bulk call's set-up dominates.
 */
final class ElementMoves {

  /** Below this many bytes a word loop beats {@link MemorySegment#copy}'s checks and dispatch. */
  static final long SHORT_COPY_BYTES = 64;

  private static final VectorSpecies<Integer> INTS =
      VectorSpecies.of(int.class, SimdSpecies.FLOAT.vectorShape());
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

  private ElementMoves() {}

  /** Copies {@code bytes} bytes; the ranges must not overlap. */
  static void copy(MemorySegment src, long srcByte, MemorySegment dst, long dstByte, long bytes) {
    if (bytes >= SHORT_COPY_BYTES) {
      MemorySegment.copy(src, srcByte, dst, dstByte, bytes);
      return;
    }
    long i = 0;
    for (; i + 8 <= bytes; i += 8) {
      dst.set(LONG, dstByte + i, src.get(LONG, srcByte + i));
    }
    if (i + 4 <= bytes) {
      dst.set(INT, dstByte + i, src.get(INT, srcByte + i));
      i += 4;
    }
    for (; i < bytes; i++) {
      dst.set(ValueLayout.JAVA_BYTE, dstByte + i, src.get(ValueLayout.JAVA_BYTE, srcByte + i));
    }
  }

  /**
   * Writes {@code count} elements of {@code elementBytes} (1 or 4) bytes, each holding the low
   * {@code elementBytes} bytes of {@code bits}.
   */
  static void fill(MemorySegment dst, long dstByte, long count, int elementBytes, int bits) {
    long bytes = count * elementBytes;
    if (bytes < SHORT_COPY_BYTES) {
      if (elementBytes == 4) {
        for (long i = 0; i < bytes; i += 4) {
          dst.set(INT, dstByte + i, bits);
        }
      } else {
        for (long i = 0; i < bytes; i++) {
          dst.set(ValueLayout.JAVA_BYTE, dstByte + i, (byte) bits);
        }
      }
    } else if (elementBytes == 1 || bits == 0) {
      dst.asSlice(dstByte, bytes).fill((byte) bits);
    } else {
      IntVector v = IntVector.broadcast(INTS, bits);
      long bound = count - count % INTS.length();
      long i = 0;
      for (; i < bound; i += INTS.length()) {
        v.intoMemorySegment(dst, dstByte + i * 4, ByteOrder.nativeOrder());
      }
      for (; i < count; i++) {
        dst.set(INT, dstByte + i * 4, bits);
      }
    }
  }
}
