package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Int8 GEMM for a handful of rows (batch-1 quantised layers). Such a product is bound by reading B,
 * and int8 B is a quarter of the bytes of float B, so B is streamed once straight from its int8
 * storage and widened in registers instead of being packed into float panels (which would write
 * four times the bytes it reads). Products are summed in float, exactly (see {@link SimdQuant}),
 * over slices of {@link #EXACT_DEPTH} K steps, and each slice's sums are added in int.
 */
final class Int8Skinny {

  /** The most rows of C this path handles. */
  static final int MAX_ROWS = SkinnyGemm.MAX_ROWS;

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  /** Bytes loaded per step: one per float lane, but at least the 8 of the narrowest byte vector. */
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * Byte.SIZE)));
  /** Columns per step: a byte vector's lanes, widened into this many float vectors. */
  private static final int STEP = B.length();
  private static final int PARTS = STEP / L;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** K steps whose products a float sums exactly: 1024 · 2^14 = 2^24. */
  private static final int EXACT_DEPTH = 1024;
  /** Columns per task, a multiple of every STEP: float and int sums for four rows take 32 KB. */
  private static final int CHUNK = 1024;
  private static final long PARALLEL_MIN_OPS = 1L << 20;

  private Int8Skinny() {}

  /**
   * {@code C = A·B} for int8 {@code a [m, k]} and {@code b [k, n]} into int32 {@code c [m, n]},
   * {@code 0 < m <= MAX_ROWS}, {@code 0 < k <= SimdQuant.EXACT_K} (so no int32 sum overflows).
   */
  static void multiply(int m, int n, int k, MemorySegment a, MemorySegment b, MemorySegment c) {
    float[] rowsOfA = GemmScratch.get().rows(m * k);
    for (int i = 0; i < m * k; i++) {
      rowsOfA[i] = a.get(ValueLayout.JAVA_BYTE, i);
    }
    int chunks = GemmDriver.ceilDiv(n, CHUNK);
    IntConsumer chunk = index -> {
      int j0 = index * CHUNK;
      int width = Math.min(CHUNK, n - j0);
      GemmScratch scratch = GemmScratch.get();
      float[] sums = scratch.staging(m * width);
      int[] totals = scratch.ints(m * width);
      Arrays.fill(totals, 0, m * width, 0);
      for (int p0 = 0; p0 < k; p0 += EXACT_DEPTH) {
        int depth = Math.min(EXACT_DEPTH, k - p0);
        Arrays.fill(sums, 0, m * width, 0f);
        for (int i = 0; i < m; i++) {
          sumSlice(rowsOfA, i * k + p0, depth, b, (long) p0 * n + j0, n, width, sums, i * width);
        }
        for (int t = 0; t < m * width; t++) {
          totals[t] += (int) sums[t];
        }
      }
      for (int i = 0; i < m; i++) {
        MemorySegment.copy(totals, i * width, c, ValueLayout.JAVA_INT_UNALIGNED,
            ((long) i * n + j0) * Integer.BYTES, width);
      }
    };
    int threads = KernelPool.shared().parallelism();
    if (threads > 1 && chunks > 1 && 2L * m * n * k >= PARALLEL_MIN_OPS) {
      GemmDriver.forEachShared(chunks, threads, chunk);
    } else {
      for (int index = 0; index < chunks; index++) {
        chunk.accept(index);
      }
    }
  }

  /**
   * {@code sums[at + j] += sum over p < depth of x[xAt + p] * b[bAt + p * n + j]}, {@code j <
   * width}: four rows of B per pass over the sums, widened from int8 in registers. Rows of A run
   * one at a time (B's rows are then in L1 for the next): a loop over the rows inside, reusing
   * each widened vector, measured four times slower for one row, because C2 then kept the
   * vectors in memory.
   */
  private static void sumSlice(float[] x, int xAt, int depth, MemorySegment b, long bAt, int n,
      int width, float[] sums, int at) {
    int bound = width - width % STEP;
    int p = 0;
    for (; p + 4 <= depth; p += 4) {
      long row = bAt + (long) p * n;
      FloatVector x0 = FloatVector.broadcast(S, x[xAt + p]);
      FloatVector x1 = FloatVector.broadcast(S, x[xAt + p + 1]);
      FloatVector x2 = FloatVector.broadcast(S, x[xAt + p + 2]);
      FloatVector x3 = FloatVector.broadcast(S, x[xAt + p + 3]);
      for (int j = 0; j < bound; j += STEP) {
        ByteVector b0 = ByteVector.fromMemorySegment(B, b, row + j, ORDER);
        ByteVector b1 = ByteVector.fromMemorySegment(B, b, row + n + j, ORDER);
        ByteVector b2 = ByteVector.fromMemorySegment(B, b, row + 2L * n + j, ORDER);
        ByteVector b3 = ByteVector.fromMemorySegment(B, b, row + 3L * n + j, ORDER);
        for (int part = 0; part < PARTS; part++) {
          int s = at + j + part * L;
          FloatVector sum = FloatVector.fromArray(S, sums, s);
          sum = widen(b0, part).fma(x0, sum);
          sum = widen(b1, part).fma(x1, sum);
          sum = widen(b2, part).fma(x2, sum);
          sum = widen(b3, part).fma(x3, sum);
          sum.intoArray(sums, s);
        }
      }
      for (int j = bound; j < width; j++) {
        sums[at + j] += x[xAt + p] * b.get(ValueLayout.JAVA_BYTE, row + j)
            + x[xAt + p + 1] * b.get(ValueLayout.JAVA_BYTE, row + n + j)
            + x[xAt + p + 2] * b.get(ValueLayout.JAVA_BYTE, row + 2L * n + j)
            + x[xAt + p + 3] * b.get(ValueLayout.JAVA_BYTE, row + 3L * n + j);
      }
    }
    for (; p < depth; p++) {
      long row = bAt + (long) p * n;
      FloatVector x0 = FloatVector.broadcast(S, x[xAt + p]);
      for (int j = 0; j < bound; j += STEP) {
        ByteVector b0 = ByteVector.fromMemorySegment(B, b, row + j, ORDER);
        for (int part = 0; part < PARTS; part++) {
          int s = at + j + part * L;
          widen(b0, part).fma(x0, FloatVector.fromArray(S, sums, s)).intoArray(sums, s);
        }
      }
      for (int j = bound; j < width; j++) {
        sums[at + j] += x[xAt + p] * b.get(ValueLayout.JAVA_BYTE, row + j);
      }
    }
  }

  private static FloatVector widen(ByteVector bytes, int part) {
    return (FloatVector) bytes.convertShape(VectorOperators.B2F, S, part);
  }
}
