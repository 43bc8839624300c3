package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One input matrix of a GEMM as the packing code sees it: a row-major matrix in a segment, stored
 * either as {@code op(X)} itself or as its transpose, read as float runs whatever its element type.
 */
abstract sealed class GemmOperand {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  private static final int NR = GemmMicroKernel.NR;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

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

  /** Copies stored elements {@code [index, index + n)} (from {@link #base}) to {@code dst}. */
  abstract void read(long index, float[] dst, int dstOff, int n, GemmScratch scratch);

  /**
   * Copies {@code n} stored elements from {@code index} into B panels: element {@code j} goes to
   * {@code dst[dstOff + (j / NR) * panelStride + j % NR]}, and the last panel is zero-padded to NR.
   */
  void readIntoPanels(long index, int n, float[] dst, int dstOff, int panelStride,
      GemmScratch scratch) {
    float[] run = scratch.staging(n);
    read(index, run, 0, n, scratch);
    for (int q = 0, d = dstOff; q < n; q += NR, d += panelStride) {
      int cols = Math.min(NR, n - q);
      System.arraycopy(run, q, dst, d, cols);
      Arrays.fill(dst, d + cols, d + NR, 0f);
    }
  }

  private static final class Floats extends GemmOperand {
    Floats(MemorySegment segment, long base, int ld, boolean transposed) {
      super(segment, base, ld, transposed);
    }

    @Override
    void read(long index, float[] dst, int dstOff, int n, GemmScratch scratch) {
      MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT_UNALIGNED, (base + index) * Float.BYTES,
          dst, dstOff, n);
    }

    /** Straight vector copies; the masked loads of the last panel zero its padding. */
    @Override
    void readIntoPanels(long index, int n, float[] dst, int dstOff, int panelStride,
        GemmScratch scratch) {
      long at = (base + index) * Float.BYTES;
      int q = 0;
      int d = dstOff;
      for (; q + NR <= n; q += NR, d += panelStride, at += NR * Float.BYTES) {
        FloatVector.fromMemorySegment(S, segment, at, ORDER).intoArray(dst, d);
        FloatVector.fromMemorySegment(S, segment, at + L * Float.BYTES, ORDER)
            .intoArray(dst, d + L);
      }
      if (q < n) {
        int cols = n - q;
        FloatVector.fromMemorySegment(S, segment, at, ORDER, S.indexInRange(0, cols))
            .intoArray(dst, d);
        FloatVector.fromMemorySegment(S, segment, at + L * Float.BYTES, ORDER,
            S.indexInRange(L, cols)).intoArray(dst, d + L);
      }
    }
  }

  private static final class Bytes extends GemmOperand {
    Bytes(MemorySegment segment, long base, int ld, boolean transposed) {
      super(segment, base, ld, transposed);
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
