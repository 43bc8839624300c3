package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.GemmMicroKernel.NR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One input matrix of a GEMM as the packing code sees it: a row-major matrix in a segment, stored
 * either as {@code op(X)} itself or as its transpose, read as float runs whatever its element type.
 */
abstract sealed class GemmOperand {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
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
   * Copies stored elements {@code [index, index + n)} to {@code dst} in pieces of {@code NR}:
   * piece {@code q} goes to {@code dst[at + q * pieceStride]}, the last one padded with zeros.
   * This is one K step of a B block packed into column panels.
   */
  void readPieces(long index, int n, float[] dst, int at, int pieceStride, GemmScratch scratch) {
    int padded = GemmDriver.ceilDiv(n, NR) * NR;
    float[] run = scratch.staging(padded);
    read(index, run, 0, n, scratch);
    Arrays.fill(run, n, padded, 0f);
    for (int q = 0, d = at; q < n; q += NR, d += pieceStride) {
      System.arraycopy(run, q, dst, d, NR);
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

    /** Straight from the segment into the panels: a staging copy doubled the cost of packing B. */
    @Override
    void readPieces(long index, int n, float[] dst, int at, int pieceStride, GemmScratch scratch) {
      long from = (base + index) * Float.BYTES;
      int whole = n - n % NR;
      int d = at;
      for (int q = 0; q < whole; q += NR, d += pieceStride) {
        long byteAt = from + (long) q * Float.BYTES;
        FloatVector.fromMemorySegment(S, segment, byteAt, ORDER).intoArray(dst, d);
        FloatVector.fromMemorySegment(S, segment, byteAt + L * Float.BYTES, ORDER)
            .intoArray(dst, d + L);
      }
      if (whole < n) {
        for (int v = 0; v < 2; v++) {
          int column = whole + v * L;
          VectorMask<Float> inRange = S.indexInRange(column, n);
          FloatVector.fromMemorySegment(S, segment, from + (long) column * Float.BYTES, ORDER,
              inRange).intoArray(dst, d + v * L);
        }
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
