package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * How the convolution drivers cut their work into bands of output rows, and how a band's results
 * (rows of {@code width} virtual columns, see {@link ConvImage}) reach the destination tensor.
 */
final class ConvBands {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final int L = F.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

  /**
   * What filling one float of a band image costs, in multiply-adds: a copy is one element per
   * cycle or so, where the tiles retire 32 multiply-adds per cycle (AVX-512; 16 with AVX2).
   */
  static final double FILL_COST = 16;

  /** Flops below which a whole call runs on the calling thread. */
  static final double SERIAL_FLOPS = 1 << 21;

  private ConvBands() {}

  /**
   * Rows per band that minimise the time of the slowest thread. The tasks are {@code units}
   * independent images (or groups) of {@code rows} output rows, each cut into bands; a band costs
   * {@code columnCost} per computed virtual column (rounded up to whole tiles of {@code NR}) plus
   * {@code rowCost} per image row it fills, its {@code halo} included. The pool hands each thread
   * an equal count of consecutive tasks, so the plan also weighs how bands spread over threads.
   *
   * @param maxColumns the most virtual columns a band may have, so its scratch fits the L2 cache
   */
  static int bandRows(int rows, int width, int units, int halo, double columnCost, double rowCost,
      int maxColumns) {
    int threads = KernelPool.shared().parallelism();
    int best = 1;
    double bestTime = Double.MAX_VALUE;
    int largest = Math.clamp(maxColumns / width, 1, rows);
    for (int band = largest; band >= 1; band--) {
      int bands = Math.ceilDiv(rows, band);
      double full = bandCost(band, width, halo, columnCost, rowCost);
      double last = bandCost(rows - (bands - 1) * band, width, halo, columnCost, rowCost);
      long tasks = (long) units * bands;
      int chunks = (int) Math.min(threads, tasks);
      double slowest = 0;
      for (int c = 0; c < chunks; c++) {
        long from = tasks * c / chunks;
        long to = tasks * (c + 1) / chunks;
        slowest = Math.max(slowest, prefixCost(to, bands, full, last)
            - prefixCost(from, bands, full, last));
      }
      if (slowest < bestTime * 0.999) {
        bestTime = slowest;
        best = band;
      }
    }
    return best;
  }

  private static double bandCost(int rows, int width, int halo, double columnCost,
      double rowCost) {
    return Math.ceilDiv(rows * width, ConvMatmul.NR) * ConvMatmul.NR * columnCost
        + (rows + halo) * rowCost;
  }

  /** Cost of the first {@code tasks} tasks; a unit is {@code bands - 1} full bands then one. */
  private static double prefixCost(long tasks, int bands, double full, double last) {
    long units = tasks / bands;
    long rest = tasks % bands;
    return units * ((bands - 1) * full + last) + rest * full;
  }

  /** The parallel grain, in tasks, that keeps a call of {@code flops} serial when it is small. */
  static int grain(int tasks, double flops) {
    return flops < SERIAL_FLOPS ? Math.max(1, tasks) : 1;
  }

  /**
   * Writes {@code dst[base + (row0 + i * rowStep) * dstW + col0 + j * colStep] = src[srcOff + i *
   * width + j] + bias} for {@code i < rows}, {@code j < cols}.
   */
  static void store(float[] src, int srcOff, int width, int rows, int cols, float bias,
      MemorySegment dst, long base, int dstW, int row0, int rowStep, int col0, int colStep) {
    FloatVector b = FloatVector.broadcast(F, bias);
    for (int i = 0; i < rows; i++) {
      int from = srcOff + i * width;
      long to = base + (long) (row0 + i * rowStep) * dstW + col0;
      if (colStep == 1 && cols >= L) {
        for (int j = 0; ; j += L) {
          int k = Math.min(j, cols - L);
          FloatVector.fromArray(F, src, from + k).add(b)
              .intoMemorySegment(dst, (to + k) * Float.BYTES, ORDER);
          if (k == cols - L) {
            break;
          }
        }
      } else if (colStep == 1) {
        VectorMask<Float> m = F.indexInRange(0, cols);
        FloatVector.fromArray(F, src, from, m).add(b)
            .intoMemorySegment(dst, to * Float.BYTES, ORDER, m);
      } else {
        for (int j = 0; j < cols; j++) {
          dst.setAtIndex(FLOAT, to + (long) j * colStep, src[from + j] + bias);
        }
      }
    }
  }
}
