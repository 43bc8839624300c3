package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fills of raw elements for the layout kernels. (Copies need no helper: {@link MemorySegment#copy}
 * measured as fast as a hand-written word loop even for 8-byte runs.)
 */
final class ElementFill {

  /**
   * Spans shorter than this are written a word at a time rather than sliced and bulk-filled: pad
   * borders are often one element wide, and filling them byte by byte was the hottest spot in a
   * profile of pad.
   */
  static final long SHORT_FILL_BYTES = 64;

  private static final VectorSpecies<Integer> INTS =
      VectorSpecies.of(int.class, SimdSpecies.FLOAT.vectorShape());
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

  private ElementFill() {}

  /**
   * Writes {@code count} elements of {@code elementBytes} (1 or 4) bytes, each holding the low
   * {@code elementBytes} bytes of {@code bits}.
   */
  static void fill(MemorySegment dst, long dstByte, long count, int elementBytes, int bits) {
    long bytes = count * elementBytes;
    if (bytes < SHORT_FILL_BYTES) {
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
