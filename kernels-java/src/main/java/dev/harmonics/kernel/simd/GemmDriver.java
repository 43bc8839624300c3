package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.GemmMicroKernel.MR;
import static dev.harmonics.kernel.simd.GemmMicroKernel.NR;

import dev.harmonics.concurrent.KernelPool;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The packed, cache-blocked GEMM loop nest around {@link GemmMicroKernel}.
 *
 * <p>For each column block of B, pack it whole-depth (all of K, or of one depth slice when K is
 * very deep) into panels of NR columns; for each row block of A, pack it the same way into panels
 * of MR rows; then for each NR-wide column strip of C, walk K in KC-deep chunks and, within a
 * chunk, run the micro-kernel down the strip. A chunk of a B micro-panel ({@code KC x NR}) is
 * reused by every tile of the strip from L1; the strip's partial sums ({@code mc x NR}) stay in L1
 * between chunks, so C itself is written once per depth slice rather than once per chunk. Measured
 * on AVX-512: with the classic order (K chunks outside the row blocks) re-reading C from memory
 * cost a third of the kernel time at 1024 x 1024 x 1024.
 *
 * <p>Block sizes follow cache budgets: the packed A block three eighths of L2, the packed B block
 * about 4 MB (L2/L3); deeper K means fewer rows and columns per block. Beyond {@link #DEEP_K} the
 * A block keeps {@link #MC} rows and K chunks become the outer loop of the block, with the whole
 * block's partial sums in an L2-resident array ({@link #multiplyChunks}).
 *
 * <p>Threads take blocks of C from a shared counter, so that a thread the OS deschedules simply
 * takes fewer. A product is split by columns when A fits one L2 block or B is much larger than A
 * (a 64-row product): each thread packs only its own column blocks of B, and the row blocks of A
 * are packed once and shared ({@link SharedRowBlocks}), except a single small row block, which
 * every thread packs for itself ({@link #PRIVATE_A_FLOATS}). Otherwise it is split by rows, each
 * thread packing the B block it works on, since re-reading a large A from L3 for every column
 * block cost more than packing B once per thread ({@link #splitByRows}). When K spans several
 * depth slices, each C tile must see its slices in order, so threads then own fixed rectangles
 * instead.
 */
final class GemmDriver {

  /** Depth of a K chunk: a B micro-panel chunk ({@code KC x NR} floats, 32 KB) stays in L1. */
  static final int KC = 256;
  /** Deepest K slice summed in float before the sink sees it, unless the caller asks for less. */
  static final int FLOAT_DEPTH = 4096;
  /** Most rows of an A block. */
  private static final int MC = 32 * MR;
  /** Most columns of a B block. */
  private static final int NC = 64 * NR;
  /**
   * Floats of a packed A block up to {@link #DEEP_K}: three eighths of the core's L2 (768 KB of 2
   * MB, where the blocks were tuned; 192 KB of a Zen 3 core's 512 KB, which the 768 KB block
   * overflowed). Deeper, a block of {@link #MC} rows is larger (up to 3 MB at K = 4096 with 6-row
   * tiles) and only one K chunk of it stays in L2.
   */
  private static final int A_BLOCK_FLOATS =
      (int) Math.clamp(CacheSizes.L2_BYTES * 3 / 8 / Float.BYTES, 16 * 1024, 1024 * 1024);
  /** Floats of a packed B block: 4 MB, within L2 plus L3. */
  private static final int B_BLOCK_FLOATS = 1024 * 1024;
  /**
   * Deepest K multiplied strip by strip: beyond it an A block of {@link #MC} rows no longer fits
   * the A budget, and {@link #multiplyPacked} walks K chunks outermost instead.
   */
  static final int DEEP_K = A_BLOCK_FLOATS / MC;
  /** Fewest rows of an A block when blocks are shrunk to give every thread several. */
  private static final int MIN_SHARED_MC = 4 * MR;
  /** Rectangles per thread to aim for in a split by rows, so that uneven progress evens out. */
  private static final int RECTANGLES_PER_THREAD = 4;
  /** Column blocks per thread to aim for in a split by columns, for the same reason. */
  private static final int COLUMN_BLOCKS_PER_THREAD = 4;
  /** Most floats of op(A) packed once and shared by all column blocks (24 MB). */
  private static final long SHARED_A_FLOATS = 6L << 20;
  /**
   * Most floats of a single row block of A that every thread packs for itself (256 KB) rather
   * than share: reading a block another core packed moves every line of it between the cores'
   * caches, which cost more than packing it again (128x256x128 on two threads: 1.05-1.12 of
   * OpenBLAS against 0.80-0.81). A larger block (64x4096x4096: 1 MB) stays shared, since there
   * packing it twice measured no better.
   */
  private static final long PRIVATE_A_FLOATS = 64L << 10;
  /** Below this many flops a fork-join costs more than it saves. */
  static final long PARALLEL_MIN_FLOPS = 1L << 22;

  private GemmDriver() {}

  /**
   * Hands {@code op(A)·op(B)} ({@code m x k} times {@code k x n}, {@code k > 0}) to {@code sink}
   * block by block, on the shared pool when {@code parallel} and the product is big enough. The
   * sink sees each block once per depth slice of at most {@code maxDepth} (at most {@link
   * #FLOAT_DEPTH}) K steps, with {@code first} and {@code last} marking the slices.
   */
  static void multiply(GemmOperand a, GemmOperand b, int m, int n, int k, TileSink sink,
      boolean parallel, int maxDepth) {
    int depthMax = Math.min(maxDepth, FLOAT_DEPTH);
    int threads = parallel && 2L * m * n * k >= PARALLEL_MIN_FLOPS
        ? KernelPool.shared().parallelism() : 1;
    if (k <= depthMax && threads > 1 && splitByRows(m, n, k, threads)) {
      multiplyByRows(a, b, m, n, k, sink, threads);
    } else if (k <= depthMax) {
      multiplyOneSlice(a, b, m, n, k, sink, threads);
    } else if (threads == 1) {
      multiplyRectangle(a, b, 0, m, 0, n, k, sink, depthMax);
    } else {
      multiplyFixedGrid(a, b, m, n, k, sink, depthMax, threads);
    }
  }

  /**
   * Whether threads should split one depth slice by rows rather than by columns. By columns,
   * every column block reads all of A again, from L3 once A spans several L2-sized row blocks; by
   * rows, every thread packs all of B. The split that moves fewer extra floats wins: 512 x 512 x
   * 512 on two threads goes by rows, a 64-row product (B far larger than A) by columns.
   */
  private static boolean splitByRows(int m, int n, int k, int threads) {
    int rowBlocks = ceilDiv(m, balanced(m, rowBlockLimit(k), MR));
    if (rowBlocks == 1) {
      return false;
    }
    int columnBlocks = ceilDiv(n, columnBlockLimit(n, k, threads));
    return (long) (columnBlocks - 1) * m > (long) (threads - 1) * n;
  }

  /** Widest column block for a split by columns: within the B budget, several per thread. */
  private static int columnBlockLimit(int n, int k, int threads) {
    int limit = budget(B_BLOCK_FLOATS, k, NR, NC);
    if (threads > 1) {
      limit = Math.min(limit, ceilDiv(ceilDiv(n, threads * COLUMN_BLOCKS_PER_THREAD), NR) * NR);
    }
    return balanced(n, limit, NR);
  }

  /**
   * One depth slice split by rows: threads pull rectangles (row block by column block) from a
   * counter, column block by column block, and keep their packed B block between rectangles, so
   * each thread packs each column block of B once; each rectangle packs its own rows of A. The
   * row blocks share A's micro-panels out evenly ({@link #splitRowsEvenly}).
   */
  private static void multiplyByRows(GemmOperand a, GemmOperand b, int m, int n, int k,
      TileSink sink, int threads) {
    int ncMax = balanced(n, budget(B_BLOCK_FLOATS, k, NR, NC), NR);
    int columnBlocks = ceilDiv(n, ncMax);
    int panels = ceilDiv(m, MR);
    int rowBlocks = splitRowsEvenly(panels, ceilDiv(m, rowBlockLimit(k)), columnBlocks, threads);
    int mcMax = ceilDiv(panels, rowBlocks) * MR;
    int kcMax = balanced(k, KC, 1);
    Object call = new Object();
    forEachShared(rowBlocks * columnBlocks, threads, rectangle -> {
      int column = rectangle / rowBlocks;
      int block = rectangle % rowBlocks;
      int ic = (int) ((long) panels * block / rowBlocks) * MR;
      int mc = Math.min(m, (int) ((long) panels * (block + 1) / rowBlocks) * MR) - ic;
      int jc = column * ncMax;
      int nc = Math.min(ncMax, n - jc);
      GemmScratch scratch = GemmScratch.get();
      MemorySegment packedB = scratch.packedB((long) ncMax * k);
      if (!scratch.holdsPackedB(call, column)) {
        packB(b, 0, k, kcMax, jc, nc, ncMax, packedB, scratch);
        scratch.rememberPackedB(call, column);
      }
      float[] packedA = scratch.packedA(mcMax * k);
      packA(a, ic, mc, mcMax, 0, k, kcMax, packedA, 0, scratch);
      multiplyPacked(packedA, 0, ic, mc, mcMax, jc, nc, ncMax, packedB, k, kcMax, sink, true, true,
          scratch);
    });
  }

  /**
   * How many row blocks a split by rows cuts {@code panels} micro-panels of A into: at least
   * {@code fewest} (the A budget) and at most one per four panels ({@link #MIN_SHARED_MC} rows);
   * within that, the fewest that give {@link #RECTANGLES_PER_THREAD} rectangles per thread in a
   * count every thread shares equally, else the most that share equally, else as many as allowed
   * up to that number of rectangles. Block {@code i} then takes panels {@code [panels * i /
   * blocks, panels * (i + 1) / blocks)}, so blocks differ by at most one panel. The earlier rule
   * cut 1024 rows into ten blocks of 96 and one of 64, which left one of two threads with 544
   * rows to the other's 480.
   */
  static int splitRowsEvenly(int panels, int fewest, int columnBlocks, int threads) {
    int most = Math.max(fewest, panels / (MIN_SHARED_MC / MR));
    int enough = Math.min(most,
        Math.max(fewest, ceilDiv(RECTANGLES_PER_THREAD * threads, columnBlocks)));
    for (int blocks = enough; blocks <= most; blocks++) {
      if ((long) blocks * columnBlocks % threads == 0) {
        return blocks;
      }
    }
    for (int blocks = enough - 1; blocks >= fewest; blocks--) {
      if ((long) blocks * columnBlocks % threads == 0) {
        return blocks;
      }
    }
    return enough;
  }

  /**
   * One depth slice, split by column blocks: each task packs its own B block and multiplies every
   * row block of A by it, so no two threads pack the same part of B. With several column blocks A
   * is packed once and shared ({@link SharedRowBlocks}) when it fits {@link #SHARED_A_FLOATS}.
   * Each task starts at a different row block so that threads do not queue for the same A block.
   */
  private static void multiplyOneSlice(GemmOperand a, GemmOperand b, int m, int n, int k,
      TileSink sink, int threads) {
    int mcMax = balanced(m, rowBlockLimit(k), MR);
    int rowBlocks = ceilDiv(m, mcMax);
    int kcMax = balanced(k, KC, 1);
    int ncMax = columnBlockLimit(n, k, threads);
    int columnBlocks = ceilDiv(n, ncMax);
    long blockFloats = (long) mcMax * k;
    boolean privateA = rowBlocks == 1 && threads > 1 && columnBlocks > 1
        && blockFloats <= PRIVATE_A_FLOATS;
    SharedRowBlocks shared = !privateA && columnBlocks > 1
        && rowBlocks * blockFloats <= SHARED_A_FLOATS
        ? SharedRowBlocks.allocate(rowBlocks, blockFloats) : null;
    Object call = new Object();
    forEachShared(columnBlocks, threads, column -> {
      GemmScratch scratch = GemmScratch.get();
      int jc = column * ncMax;
      int nc = Math.min(ncMax, n - jc);
      MemorySegment packedB = scratch.packedB((long) ncMax * k);
      packB(b, 0, k, kcMax, jc, nc, ncMax, packedB, scratch);
      if (privateA) {
        float[] panelsA = scratch.packedA(mcMax * k);
        if (!scratch.holdsPackedA(call)) {
          packA(a, 0, m, mcMax, 0, k, kcMax, panelsA, 0, scratch);
          scratch.rememberPackedA(call);
        }
        multiplyPacked(panelsA, 0, 0, m, mcMax, jc, nc, ncMax, packedB, k, kcMax, sink, true,
            true, scratch);
        return;
      }
      for (int step = 0; step < rowBlocks; step++) {
        int block = (column + step) % rowBlocks;
        int ic = block * mcMax;
        int mc = Math.min(mcMax, m - ic);
        float[] panelsA;
        int aAt;
        if (shared != null && shared.acquire(block,
            () -> packA(a, ic, mc, mcMax, 0, k, kcMax, shared.panels(), shared.offset(block),
                GemmScratch.get()))) {
          panelsA = shared.panels();
          aAt = shared.offset(block);
        } else {
          panelsA = scratch.packedA(mcMax * k);
          aAt = 0;
          packA(a, ic, mc, mcMax, 0, k, kcMax, panelsA, 0, scratch);
        }
        multiplyPacked(panelsA, aAt, ic, mc, mcMax, jc, nc, ncMax, packedB, k, kcMax, sink, true,
            true, scratch);
      }
    });
    if (shared != null) {
      shared.release();
    }
  }

  /**
   * Runs {@code task} for every index below {@code tasks} on {@code threads} pool threads (the
   * caller included), each taking the next index from a shared counter until none are left.
   */
  static void forEachShared(int tasks, int threads, IntConsumer task) {
    AtomicInteger next = new AtomicInteger();
    KernelPool.shared().parallelFor(Math.min(threads, tasks), 1, (from, to) -> {
      for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
        task.accept(t);
      }
    });
  }

  /** Several depth slices: one fixed rectangle per thread, so slices reach each tile in order. */
  private static void multiplyFixedGrid(GemmOperand a, GemmOperand b, int m, int n, int k,
      TileSink sink, int depthMax, int threads) {
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
        multiplyRectangle(a, b, i0, i1, j0, j1, k, sink, depthMax);
      }
    });
  }

  /**
   * Rows by columns of a fixed thread grid: the factorisation of (at most) {@code threads} that
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
  private static void multiplyRectangle(GemmOperand a, GemmOperand b, int i0, int i1, int j0,
      int j1, int k, TileSink sink, int depthMax) {
    if (i0 >= i1 || j0 >= j1) {
      return;
    }
    GemmScratch scratch = GemmScratch.get();
    int depthStep = balanced(k, depthMax, 1);
    for (int ks = 0; ks < k; ks += depthStep) {
      int depth = Math.min(depthStep, k - ks);
      int kcMax = balanced(depth, KC, 1);
      int mcMax = balanced(i1 - i0, rowBlockLimit(depth), MR);
      int ncMax = balanced(j1 - j0, budget(B_BLOCK_FLOATS, depth, NR, NC), NR);
      MemorySegment packedB = scratch.packedB((long) ncMax * depth);
      float[] packedA = scratch.packedA(mcMax * depth);
      for (int jc = j0; jc < j1; jc += ncMax) {
        int nc = Math.min(ncMax, j1 - jc);
        packB(b, ks, depth, kcMax, jc, nc, ncMax, packedB, scratch);
        for (int ic = i0; ic < i1; ic += mcMax) {
          int mc = Math.min(mcMax, i1 - ic);
          packA(a, ic, mc, mcMax, ks, depth, kcMax, packedA, 0, scratch);
          multiplyPacked(packedA, 0, ic, mc, mcMax, jc, nc, ncMax, packedB, depth, kcMax, sink,
              ks == 0, ks + depth == k, scratch);
        }
      }
    }
  }

  /** Packs op(B) rows {@code [ks, ks + depth)}, columns {@code [jc, jc + nc)}, chunk by chunk. */
  private static void packB(GemmOperand b, int ks, int depth, int kcMax, int jc, int nc,
      int ncMax, MemorySegment packedB, GemmScratch scratch) {
    for (int pc = 0; pc < depth; pc += kcMax) {
      GemmPacking.packB(b, ks + pc, Math.min(kcMax, depth - pc), jc, nc, packedB,
          (long) pc * ncMax, scratch);
    }
  }

  /**
   * Packs op(A) rows {@code [ic, ic + mc)}, K steps {@code [ks, ks + depth)} into {@code dst} from
   * {@code at}: chunk {@code pc} of the depth at {@code at + pc * mcMax}, as MR-row panels.
   */
  private static void packA(GemmOperand a, int ic, int mc, int mcMax, int ks, int depth,
      int kcMax, float[] dst, int at, GemmScratch scratch) {
    for (int pc = 0; pc < depth; pc += kcMax) {
      GemmPacking.packA(a, ic, mc, ks + pc, Math.min(kcMax, depth - pc), dst, at + pc * mcMax,
          scratch);
    }
  }

  /**
   * Most rows of an A block for {@code depth} K steps: the whole block within the A budget while
   * it is multiplied strip by strip, {@link #MC} rows once K is deeper than {@link #DEEP_K}.
   */
  private static int rowBlockLimit(int depth) {
    return depth > DEEP_K ? MC : budget(A_BLOCK_FLOATS, depth, MR, MC);
  }

  /**
   * Multiplies the packed A rows {@code [ic, ic + mc)} (from {@code aAt}) by the packed B block,
   * handing each finished tile to the sink: strip by strip up to {@link #DEEP_K}, K chunk by K
   * chunk beyond it ({@link #multiplyChunks}).
   */
  private static void multiplyPacked(float[] packedA, int aAt, int ic, int mc, int mcMax, int jc,
      int nc, int ncMax, MemorySegment packedB, int depth, int kcMax, TileSink sink, boolean first,
      boolean last, GemmScratch scratch) {
    if (depth > DEEP_K) {
      multiplyChunks(packedA, aAt, ic, mc, mcMax, jc, nc, ncMax, packedB, depth, kcMax, sink,
          first, last, scratch);
      return;
    }
    float[] strip = scratch.strip(mcMax * NR);
    for (int jr = 0; jr < nc; jr += NR) {
      for (int pc = 0; pc < depth; pc += kcMax) {
        int kc = Math.min(kcMax, depth - pc);
        int chunkA = aAt + pc * mcMax;
        long bAt = ((long) pc * ncMax + (long) jr * kc) * Float.BYTES;
        for (int ir = 0; ir < mc; ir += MR) {
          GemmMicroKernel.multiply(packedA, chunkA + ir * kc, packedB, bAt, kc, strip, ir * NR,
              pc > 0);
        }
      }
      int nr = Math.min(NR, nc - jr);
      for (int ir = 0; ir < mc; ir += MR) {
        sink.store(strip, ir * NR, NR, Math.min(MR, mc - ir), nr, ic + ir, jc + jr, first, last);
      }
    }
  }

  /**
   * The deep-K order: for each K chunk, every strip and tile of the block, the partial sums of the
   * whole block ({@code mc x nc}, up to 1.5 MB with 6-row tiles, 512 KB with 4) kept in an
   * L2-resident array between chunks (on a 512 KB L2 it is not). Strip by strip, the whole A block
   * must stay in L2, so at K = 2048 it held only 96 rows and each B chunk, fetched from L3, served
   * 16 tiles; here only one A chunk ({@code mc x KC}) must, so the block has {@link #MC} rows and
   * each B chunk serves 32 tiles. Measured at 2048³ on one thread against OpenBLAS: 0.90 against
   * 0.86 with the two orders alternating in one JVM, 0.88 against 0.88 and 0.93 against 0.85 in
   * paired runs; at 1024³ the two orders tie.
   */
  private static void multiplyChunks(float[] packedA, int aAt, int ic, int mc, int mcMax, int jc,
      int nc, int ncMax, MemorySegment packedB, int depth, int kcMax, TileSink sink,
      boolean first, boolean last, GemmScratch scratch) {
    float[] sums = scratch.blockSums(mcMax * ncMax);
    for (int pc = 0; pc < depth; pc += kcMax) {
      int kc = Math.min(kcMax, depth - pc);
      int chunkA = aAt + pc * mcMax;
      for (int jr = 0; jr < nc; jr += NR) {
        long bAt = ((long) pc * ncMax + (long) jr * kc) * Float.BYTES;
        int stripAt = jr * mcMax;
        for (int ir = 0; ir < mc; ir += MR) {
          GemmMicroKernel.multiply(packedA, chunkA + ir * kc, packedB, bAt, kc, sums,
              stripAt + ir * NR, pc > 0);
        }
      }
    }
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      for (int ir = 0; ir < mc; ir += MR) {
        sink.store(sums, jr * mcMax + ir * NR, NR, Math.min(MR, mc - ir), nr, ic + ir, jc + jr,
            first, last);
      }
    }
  }

  /**
   * The largest multiple of {@code unit} (at least {@code unit}, at most {@code max}) whose block
   * of {@code depth} fits in {@code floats}.
   */
  private static int budget(int floats, int depth, int unit, int max) {
    return Math.clamp((long) floats / depth / unit * unit, unit, max);
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
