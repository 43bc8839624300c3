package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One input matrix of a GEMM as the packing code sees it: a row-major matrix in a segment, stored
 * either as {@code op(X)} itself or as its transpose, read as float runs whatever its element type.
 */
abstract sealed class GemmOperand {

  final MemorySegment segment;
  /** Element index of the first stored element. */
  final long base;
  /** Stored row length in elements (the leading dimension). */
  final int ld;
  /** Whether the segment holds the transpose of the logical operand. */
  final boolean transposed;

  private GemmOperand(MemorySegment segment, long base, int ld, boolean transposed) {
    this.segment = segment;
    this.base = base;
    this.ld = ld;
    this.transposed = transposed;
  }

  /** Float32 elements. */
  static GemmOperand floats(MemorySegment segment, long base, int ld, boolean transposed) {
    return new Floats(segment, base, ld, transposed);
  }

  /** Int8 elements, widened exactly to float. */
  static GemmOperand bytes(MemorySegment segment, long base, int ld, boolean transposed) {
    return new Bytes(segment, base, ld, transposed);
  }

  /** Whether the elements are float32, so that packing may load them as vectors in place. */
  abstract boolean holdsFloats();

  /** Copies stored elements {@code [index, index + n)} (from {@link #base}) to {@code dst}. */
  abstract void read(long index, float[] dst, int dstOff, int n, GemmScratch scratch);

  private static final class Floats extends GemmOperand {
    Floats(MemorySegment segment, long base, int ld, boolean transposed) {
      super(segment, base, ld, transposed);
    }

    @Override
    boolean holdsFloats() {
      return true;
    }

    @Override
    void read(long index, float[] dst, int dstOff, int n, GemmScratch scratch) {
      MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT_UNALIGNED, (base + index) * Float.BYTES,
          dst, dstOff, n);
    }
  }

  private static final class Bytes extends GemmOperand {
    Bytes(MemorySegment segment, long base, int ld, boolean transposed) {
      super(segment, base, ld, transposed);
    }

    @Override
    boolean holdsFloats() {
      return false;
    }

    @Override
    void read(long index, float[] dst, int dstOff, int n, GemmScratch scratch) {
      byte[] staged = scratch.bytes(n);
      MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, base + index, staged, 0, n);
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = staged[i];
      }
    }
  }
}
