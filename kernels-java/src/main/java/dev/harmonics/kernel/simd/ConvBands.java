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

  /** Flops below which a whole call runs on the calling thread. */
  static final double SERIAL_FLOPS = 1 << 21;

  private ConvBands() {}

  /**
   * Rows per band so a band has about {@code targetColumns} virtual columns, and the {@code units}
   * (independent images or groups) times bands split evenly over the pool's threads.
   */
  static int bandRows(int rows, int width, int units, int targetColumns) {
    int band = Math.clamp(Math.ceilDiv(targetColumns, width), 1, rows);
    int threads = KernelPool.shared().parallelism();
    int tasks = units * Math.ceilDiv(rows, band);
    if (threads > 1 && tasks < 8 * threads && tasks % threads != 0) {
      int bands = Math.ceilDiv(rows, band);
      int wanted = Math.ceilDiv(Math.ceilDiv(units * bands, threads) * threads, units);
      band = Math.max(1, Math.ceilDiv(rows, wanted));
    }
    return band;
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
      if (colStep == 1) {
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
          FloatVector.fromArray(F, src, from + j).add(b)
              .intoMemorySegment(dst, (to + j) * Float.BYTES, ORDER);
        }
        if (j < cols) {
          VectorMask<Float> m = F.indexInRange(j, cols);
          FloatVector.fromArray(F, src, from + j, m).add(b)
              .intoMemorySegment(dst, (to + j) * Float.BYTES, ORDER, m);
        }
      } else {
        for (int j = 0; j < cols; j++) {
          dst.setAtIndex(FLOAT, to + (long) j * colStep, src[from + j] + bias);
        }
      }
    }
  }
}
