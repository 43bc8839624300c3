package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;

/**
 * Column sums over many rows, split into row slices that run in parallel. Each slice adds rows into
 * float blocks with vector code, moves a block into double totals every {@link #BLOCK_ROWS} rows
 * (so float rounding error grows with the block, not the row count), and the slices' totals are
 * added in slice order, so the result depends on the pool size but never on thread timing.
 *
 * <p>Row operations receive two blocks: most kernels need a pair of sums (the sums of {@code dy}
 * and of {@code dy * xhat} for example); those that need one ignore the second.
 */
final class ColumnSums {

  /** Rows added in float before a block is moved into the double totals. */
  static final int BLOCK_ROWS = 32;

  /** Adds row {@code row}'s contributions into the float blocks {@code a} and {@code b}. */
  @FunctionalInterface
  interface RowOp {
    void add(float[] a, float[] b, int row, int slice);
  }

  final int rows;
  final int width;
  final int slices;

  private ColumnSums(int rows, int width, int slices) {
    this.rows = rows;
    this.width = width;
    this.slices = slices;
  }

  /** A split of {@code rows} rows of {@code width} columns into as many slices as pay off. */
  static ColumnSums of(int rows, int width) {
    long perSlice = Math.max(1, (long) rows * width / SimdNorm.GRAIN);
    int slices = (int) Math.min(Math.min(KernelPool.shared().parallelism(), rows), perSlice);
    return new ColumnSums(rows, width, Math.max(1, slices));
  }

  /** The column sums of one block: {@code op} may only write its first block. */
  double[] run(SingleRowOp op) {
    return runPairWithSlice((a, b, row, slice) -> op.add(a, row))[0];
  }

  /** The column sums of both blocks. */
  double[][] runPair(PairRowOp op) {
    return runPairWithSlice((a, b, row, slice) -> op.add(a, b, row));
  }

  /** The column sums of both blocks; {@code op} also learns which slice it runs in. */
  double[][] runPairWithSlice(RowOp op) {
    double[][][] parts = new double[slices][][];
    KernelPool.shared().parallelFor(slices, 1, (from, to) -> {
      for (int s = from; s < to; s++) {
        int r0 = (int) ((long) rows * s / slices);
        int r1 = (int) ((long) rows * (s + 1) / slices);
        float[] a = new float[width];
        float[] b = new float[width];
        double[] totalA = new double[width];
        double[] totalB = new double[width];
        for (int r = r0; r < r1; r++) {
          op.add(a, b, r, s);
          if ((r - r0) % BLOCK_ROWS == BLOCK_ROWS - 1 || r == r1 - 1) {
            flush(a, totalA);
            flush(b, totalB);
          }
        }
        parts[s] = new double[][] {totalA, totalB};
      }
    });
    double[][] total = new double[2][width];
    for (double[][] part : parts) {
      for (int j = 0; j < width; j++) {
        total[0][j] += part[0][j];
        total[1][j] += part[1][j];
      }
    }
    return total;
  }

  /** A row operation that fills one block. */
  @FunctionalInterface
  interface SingleRowOp {
    void add(float[] block, int row);
  }

  /** A row operation that fills two blocks. */
  @FunctionalInterface
  interface PairRowOp {
    void add(float[] a, float[] b, int row);
  }

  private static void flush(float[] block, double[] total) {
    for (int j = 0; j < block.length; j++) {
      total[j] += block[j];
      block[j] = 0f;
    }
  }
}
