package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM for a handful of rows (a batch-1 layer, a matrix-vector product). Packing B would cost as
 * much as the whole product and a tile would be mostly padding, so B is streamed straight from
 * memory exactly once: row by row into per-row accumulators, or, when B is stored transposed, as
 * dot products along its contiguous rows.
 */
final class SkinnyGemm {

  /** The most rows of C this path handles. */
  static final int MAX_ROWS = 4;

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /**
   * Columns per task: the accumulators ({@code rows x CHUNK} floats, at most 16 KB) stay in L1,
   * and each row of B is read in runs of 4 KB, long enough for the prefetcher to follow.
   */
  private static final int CHUNK = 1024;
  private static final long PARALLEL_MIN_FLOPS = 1L << 20;

  private SkinnyGemm() {}

  /**
   * Hands {@code op(A)·op(B)} (at most {@link #MAX_ROWS} rows, {@code k > 0}) to {@code sink} in
   * column chunks holding the full sum over K.
   */
  static void multiply(boolean transA, boolean transB, int m, int n, int k, MemorySegment a,
      long aBase, MemorySegment b, long bBase, TileSink sink, boolean parallel) {
    float[] rowsOfA = GemmScratch.get().rows(m * k);
    for (int i = 0; i < m; i++) {
      if (transA) {
        for (int p = 0; p < k; p++) {
          rowsOfA[i * k + p] =
              a.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, aBase + (long) p * m + i);
        }
      } else {
        MemorySegment.copy(a, ValueLayout.JAVA_FLOAT_UNALIGNED,
            (aBase + (long) i * k) * Float.BYTES, rowsOfA, i * k, k);
      }
    }
    int chunks = GemmDriver.ceilDiv(n, CHUNK);
    IntConsumer chunk = c -> {
      float[] acc = GemmScratch.get().staging(m * CHUNK);
      int j0 = c * CHUNK;
      int width = Math.min(CHUNK, n - j0);
      if (transB) {
        dotRows(rowsOfA, m, k, b, bBase, j0, width, acc);
      } else {
        axpyRows(rowsOfA, m, n, k, b, bBase, j0, width, acc);
      }
      sink.store(acc, 0, width, m, width, 0, j0, true, true);
    };
    int threads = KernelPool.shared().parallelism();
    if (parallel && threads > 1 && chunks > 1 && 2L * m * n * k >= PARALLEL_MIN_FLOPS) {
      GemmDriver.forEachShared(chunks, threads, chunk);
    } else {
      for (int c = 0; c < chunks; c++) {
        chunk.accept(c);
      }
    }
  }

  /**
   * {@code acc[i][j] = sum_p A[i][p] * B[p][j0 + j]}: B read row by row, each row once. Four rows
   * of B are folded into the accumulators per pass, so an accumulator vector is loaded and stored
   * once per four FMAs rather than once per FMA; the four row segments stay in L1 across the rows
   * of A.
   */
  private static void axpyRows(float[] rowsOfA, int m, int n, int k, MemorySegment b, long bBase,
      int j0, int width, float[] acc) {
    Arrays.fill(acc, 0, m * width, 0f);
    int bound = S.loopBound(width);
    VectorMask<Float> tail = S.indexInRange(bound, width);
    long rowBytes = (long) n * Float.BYTES;
    int p = 0;
    for (; p + 4 <= k; p += 4) {
      long row = (bBase + (long) p * n + j0) * Float.BYTES;
      for (int i = 0; i < m; i++) {
        int at = i * k + p;
        FloatVector x0 = FloatVector.broadcast(S, rowsOfA[at]);
        FloatVector x1 = FloatVector.broadcast(S, rowsOfA[at + 1]);
        FloatVector x2 = FloatVector.broadcast(S, rowsOfA[at + 2]);
        FloatVector x3 = FloatVector.broadcast(S, rowsOfA[at + 3]);
        int base = i * width;
        int j = 0;
        for (; j < bound; j += L) {
          long col = row + (long) j * Float.BYTES;
          FloatVector sum = FloatVector.fromArray(S, acc, base + j);
          sum = FloatVector.fromMemorySegment(S, b, col, ORDER).fma(x0, sum);
          sum = FloatVector.fromMemorySegment(S, b, col + rowBytes, ORDER).fma(x1, sum);
          sum = FloatVector.fromMemorySegment(S, b, col + 2 * rowBytes, ORDER).fma(x2, sum);
          sum = FloatVector.fromMemorySegment(S, b, col + 3 * rowBytes, ORDER).fma(x3, sum);
          sum.intoArray(acc, base + j);
        }
        if (j < width) {
          long col = row + (long) j * Float.BYTES;
          FloatVector sum = FloatVector.fromArray(S, acc, base + j, tail);
          sum = FloatVector.fromMemorySegment(S, b, col, ORDER, tail).fma(x0, sum);
          sum = FloatVector.fromMemorySegment(S, b, col + rowBytes, ORDER, tail).fma(x1, sum);
          sum = FloatVector.fromMemorySegment(S, b, col + 2 * rowBytes, ORDER, tail).fma(x2, sum);
          sum = FloatVector.fromMemorySegment(S, b, col + 3 * rowBytes, ORDER, tail).fma(x3, sum);
          sum.intoArray(acc, base + j, tail);
        }
      }
    }
    for (; p < k; p++) {
      long row = (bBase + (long) p * n + j0) * Float.BYTES;
      for (int i = 0; i < m; i++) {
        FloatVector x = FloatVector.broadcast(S, rowsOfA[i * k + p]);
        int base = i * width;
        int j = 0;
        for (; j < bound; j += L) {
          FloatVector bj = FloatVector.fromMemorySegment(S, b, row + (long) j * Float.BYTES, ORDER);
          bj.fma(x, FloatVector.fromArray(S, acc, base + j)).intoArray(acc, base + j);
        }
        if (j < width) {
          FloatVector bj =
              FloatVector.fromMemorySegment(S, b, row + (long) j * Float.BYTES, ORDER, tail);
          bj.fma(x, FloatVector.fromArray(S, acc, base + j, tail)).intoArray(acc, base + j, tail);
        }
      }
    }
  }

  /** {@code acc[i][j] = dot(A[i], Bt[j0 + j])} where B is stored transposed, {@code [n, k]}. */
  private static void dotRows(float[] rowsOfA, int m, int k, MemorySegment b, long bBase, int j0,
      int width, float[] acc) {
    for (int i = 0; i < m; i++) {
      int j = 0;
      for (; j + 4 <= width; j += 4) {
        dot4(rowsOfA, i * k, k, b, (bBase + (long) (j0 + j) * k) * Float.BYTES, acc, i * width + j);
      }
      for (; j < width; j++) {
        acc[i * width + j] =
            dot(rowsOfA, i * k, k, b, (bBase + (long) (j0 + j) * k) * Float.BYTES);
      }
    }
  }

  /** Four dot products against consecutive rows of B: four independent FMA chains. */
  private static void dot4(float[] x, int xOff, int k, MemorySegment b, long row, float[] out,
      int outOff) {
    long stride = (long) k * Float.BYTES;
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    int p = 0;
    for (int bound = S.loopBound(k); p < bound; p += L) {
      FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
      long at = row + (long) p * Float.BYTES;
      s0 = FloatVector.fromMemorySegment(S, b, at, ORDER).fma(xv, s0);
      s1 = FloatVector.fromMemorySegment(S, b, at + stride, ORDER).fma(xv, s1);
      s2 = FloatVector.fromMemorySegment(S, b, at + 2 * stride, ORDER).fma(xv, s2);
      s3 = FloatVector.fromMemorySegment(S, b, at + 3 * stride, ORDER).fma(xv, s3);
    }
    if (p < k) {
      VectorMask<Float> mask = S.indexInRange(p, k);
      FloatVector xv = FloatVector.fromArray(S, x, xOff + p, mask);
      long at = row + (long) p * Float.BYTES;
      s0 = FloatVector.fromMemorySegment(S, b, at, ORDER, mask).fma(xv, s0);
      s1 = FloatVector.fromMemorySegment(S, b, at + stride, ORDER, mask).fma(xv, s1);
      s2 = FloatVector.fromMemorySegment(S, b, at + 2 * stride, ORDER, mask).fma(xv, s2);
      s3 = FloatVector.fromMemorySegment(S, b, at + 3 * stride, ORDER, mask).fma(xv, s3);
    }
    out[outOff] = LaneSum.sum(s0);
    out[outOff + 1] = LaneSum.sum(s1);
    out[outOff + 2] = LaneSum.sum(s2);
    out[outOff + 3] = LaneSum.sum(s3);
  }

  private static float dot(float[] x, int xOff, int k, MemorySegment b, long row) {
    FloatVector s = FloatVector.zero(S);
    int p = 0;
    for (int bound = S.loopBound(k); p < bound; p += L) {
      s = FloatVector.fromMemorySegment(S, b, row + (long) p * Float.BYTES, ORDER)
          .fma(FloatVector.fromArray(S, x, xOff + p), s);
    }
    if (p < k) {
      VectorMask<Float> mask = S.indexInRange(p, k);
      s = FloatVector.fromMemorySegment(S, b, row + (long) p * Float.BYTES, ORDER, mask)
          .fma(FloatVector.fromArray(S, x, xOff + p, mask), s);
    }
    return LaneSum.sum(s);
  }
}
