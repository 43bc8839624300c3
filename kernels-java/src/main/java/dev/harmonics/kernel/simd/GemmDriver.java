package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.GemmMicroKernel.MR;
import static dev.harmonics.kernel.simd.GemmMicroKernel.NR;

import dev.harmonics.concurrent.KernelPool;

/**
 * The packed, cache-blocked GEMM loop nest around {@link GemmMicroKernel}.
 *
 * <p>Per thread, in the classic order: for each NC-wide column block and KC-deep slice of K, pack
 * the B block (stays in L2/L3); for each MC-tall row block pack the A block (stays in L2); then for
 * each NR-wide B micro-panel (stays in L1) run the micro-kernel down the MR-tall A micro-panels.
 *
 * <p>Threads split C into a grid of independent rectangles, one per thread, shaped to keep the
 * duplicated packing small (each thread packs the A rows and B columns its rectangle needs). No
 * barrier is needed between packing and computing, and no C element is written by two threads.
 */
final class GemmDriver {

  /** Depth of a K slice: a B micro-panel ({@code KC x NR} floats) must fit in L1 next to A. */
  static final int KC = 256;
  /** Height of an A block: {@code MC x KC} floats (about 200 KB) sit in L2. */
  private static final int MC = 32 * MR;
  /** Width of a B block: {@code KC x NC} floats (2 MB) sit in L2/L3. */
  private static final int NC = 64 * NR;
  /** Below this many flops a fork-join costs more than it saves. */
  static final long PARALLEL_MIN_FLOPS = 1L << 22;

  private GemmDriver() {}

  /**
   * Hands {@code op(A)·op(B)} ({@code m x k} times {@code k x n}, {@code k > 0}) to {@code sink}
   * block by block, on the shared pool when {@code parallel} and the product is big enough.
   */
  static void multiply(GemmOperand a, GemmOperand b, int m, int n, int k, TileSink sink,
      boolean parallel) {
    int threads = parallel && 2L * m * n * k >= PARALLEL_MIN_FLOPS
        ? KernelPool.shared().parallelism() : 1;
    if (threads == 1) {
      multiplyBlock(a, b, 0, m, 0, n, k, sink);
      return;
    }
    int panelsM = ceilDiv(m, MR);
    int panelsN = ceilDiv(n, NR);
    int[] grid = grid(threads, m, n, panelsM, panelsN);
    int gridM = grid[0];
    int gridN = grid[1];
    KernelPool.shared().parallelFor(gridM * gridN, 1, (from, to) -> {
      for (int task = from; task < to; task++) {
        int gi = task / gridN;
        int gj = task % gridN;
        int i0 = Math.min(m, panelsM * gi / gridM * MR);
        int i1 = Math.min(m, panelsM * (gi + 1) / gridM * MR);
        int j0 = Math.min(n, panelsN * gj / gridN * NR);
        int j1 = Math.min(n, panelsN * (gj + 1) / gridN * NR);
        multiplyBlock(a, b, i0, i1, j0, j1, k, sink);
      }
    });
  }

  /**
   * Rows by columns of the thread grid: the factorisation of (at most) {@code threads} that
   * minimises the rows plus columns each thread covers, which is what it must pack.
   */
  private static int[] grid(int threads, int m, int n, int panelsM, int panelsN) {
    for (int t = threads; t > 1; t--) {
      int bestM = 0;
      int bestN = 0;
      double bestCost = Double.MAX_VALUE;
      for (int gn = 1; gn <= t; gn++) {
        int gm = t / gn;
        if (gm * gn != t || gm > panelsM || gn > panelsN) {
          continue;
        }
        double cost = (double) m / gm + (double) n / gn;
        if (cost < bestCost) {
          bestCost = cost;
          bestM = gm;
          bestN = gn;
        }
      }
      if (bestM > 0) {
        return new int[] {bestM, bestN};
      }
    }
    return new int[] {1, 1};
  }

  /** The single-threaded loop nest over C rows {@code [i0, i1)}, columns {@code [j0, j1)}. */
  private static void multiplyBlock(GemmOperand a, GemmOperand b, int i0, int i1, int j0, int j1,
      int k, TileSink sink) {
    if (i0 >= i1 || j0 >= j1) {
      return;
    }
    GemmScratch scratch = GemmScratch.get();
    int kcMax = balanced(k, KC, 1);
    int mcMax = balanced(i1 - i0, MC, MR);
    int ncMax = balanced(j1 - j0, NC, NR);
    float[] packedA = scratch.packedA(mcMax * kcMax);
    float[] packedB = scratch.packedB(ncMax * kcMax);
    float[] tile = scratch.tile;
    for (int jc = j0; jc < j1; jc += ncMax) {
      int nc = Math.min(ncMax, j1 - jc);
      for (int pc = 0; pc < k; pc += kcMax) {
        int kc = Math.min(kcMax, k - pc);
        boolean first = pc == 0;
        boolean last = pc + kc == k;
        GemmPacking.packB(b, pc, kc, jc, nc, packedB, scratch);
        for (int ic = i0; ic < i1; ic += mcMax) {
          int mc = Math.min(mcMax, i1 - ic);
          GemmPacking.packA(a, ic, mc, pc, kc, packedA, scratch);
          for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
              GemmMicroKernel.multiply(packedA, ir * kc, packedB, jr * kc, kc, tile);
              sink.store(tile, 0, NR, Math.min(MR, mc - ir), nr, ic + ir, jc + jr, first, last);
            }
          }
        }
      }
    }
  }

  /**
   * The block size that splits {@code total} into the fewest blocks of at most {@code max} (rounded
   * up to a multiple of {@code multiple}) of nearly equal size, so no block is a thin remainder.
   */
  static int balanced(int total, int max, int multiple) {
    int blocks = Math.max(1, ceilDiv(total, max));
    int size = ceilDiv(total, blocks);
    return ceilDiv(size, multiple) * multiple;
  }

  static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
