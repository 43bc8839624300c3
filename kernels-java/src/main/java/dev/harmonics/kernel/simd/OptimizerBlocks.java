package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;

/**
 * How the optimizer kernels split a tensor: into fixed blocks of {@link #BLOCK} elements, handed to
 * the {@link KernelPool} in contiguous runs.
 *
 * <p>The blocks do not depend on the pool size, which is what makes the reductions reproducible:
 * each block's sums are computed by one fixed sequence of operations, whichever thread runs it, and
 * the block sums are added in block order on the calling thread.
 */
final class OptimizerBlocks {

  /** Elements per block: a multiple of every vector length, so only the last block has a tail. */
  static final int BLOCK = 16_384;

  /**
   * Fewest blocks worth a thread. An update streams 12 to 28 bytes per element, so four blocks are
   * 0.8 to 1.8 MB of traffic, comfortably more than the cost of waking a pool thread.
   */
  private static final int GRAIN = 4;

  /** Per-block sums of one kind of reduction: writes {@code width} sums from {@code out[at]}. */
  @FunctionalInterface
  interface BlockSums {
    void sum(int from, int to, double[] out, int at);
  }

  private OptimizerBlocks() {}

  /**
   * Whether {@link #forEachRange} runs {@code [0, n)} on the caller alone; small updates test it
   * to run their body directly, where it allocates nothing.
   */
  static boolean runsInline(int n) {
    return KernelPool.shared().runsInline(blockCount(n), GRAIN);
  }

  /** Runs {@code body} over {@code [0, n)} in pieces that start on block boundaries. */
  static void forEachRange(int n, KernelPool.RangeBody body) {
    int blocks = blockCount(n);
    if (KernelPool.shared().runsInline(blocks, GRAIN)) {
      body.run(0, n);
      return;
    }
    KernelPool.shared().parallelFor(blocks, GRAIN,
        (first, end) -> body.run(start(first), start(end, n)));
  }

  /**
   * The block-by-block totals of {@code width} sums over {@code [0, n)}: {@code totals[j]} is the
   * sum, in block order, of every block's {@code j}-th sum.
   */
  static double[] sums(int n, int width, BlockSums body) {
    int blocks = blockCount(n);
    double[] perBlock = new double[blocks * width];
    KernelPool.shared().parallelFor(blocks, GRAIN, (first, end) -> {
      for (int b = first; b < end; b++) {
        body.sum(start(b), start(b + 1, n), perBlock, b * width);
      }
    });
    double[] totals = new double[width];
    for (int b = 0; b < blocks; b++) {
      for (int j = 0; j < width; j++) {
        totals[j] += perBlock[b * width + j];
      }
    }
    return totals;
  }

  private static int blockCount(int n) {
    return (int) (((long) n + BLOCK - 1) / BLOCK);
  }

  private static int start(int block) {
    return block * BLOCK;
  }

  private static int start(int block, int n) {
    return (int) Math.min((long) block * BLOCK, n);
  }
}
