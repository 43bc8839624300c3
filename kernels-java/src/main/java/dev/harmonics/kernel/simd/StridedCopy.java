package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Materialises a strided view into a contiguous tensor.
 *
 * <p>The view is first simplified: size-1 dimensions are dropped and neighbours that are already
 * contiguous with each other in the source are merged, so a permute of a contiguous tensor usually
 * becomes a handful of dimensions. Then one of three loops runs:
 * <ul>
 *   <li>the innermost dimension is contiguous in the source: bulk copies of whole runs;
 *   <li>another dimension is: a blocked 2-D transpose between it and the innermost dimension
 *       ({@link TileTranspose}), repeated over the remaining outer dimensions;
 *   <li>no dimension is (a view of a view): a strided gather.
 * </ul>
 * Work is split over the {@link KernelPool} by whole runs or transpose stripes.
 */
final class StridedCopy {

  /** Copies smaller than this many elements stay on the calling thread. */
  static final int PARALLEL_ELEMENTS = 1 << 16;

  private final int[] sizes;
  private final long[] srcStrides;
  private final long[] dstStrides;
  private final int rank;

  private StridedCopy(Tensor src) {
    int[] shape = src.shape();
    long[] strides = src.strides();
    int[] s = new int[shape.length];
    long[] t = new long[shape.length];
    int m = 0;
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] == 1) {
        continue;
      }
      if (m > 0 && t[m - 1] == strides[d] * shape[d]) {
        s[m - 1] *= shape[d];
        t[m - 1] = strides[d];
      } else {
        s[m] = shape[d];
        t[m] = strides[d];
        m++;
      }
    }
    rank = m;
    sizes = Arrays.copyOf(s, m);
    srcStrides = Arrays.copyOf(t, m);
    dstStrides = new long[m];
    long step = 1;
    for (int d = m - 1; d >= 0; d--) {
      dstStrides[d] = step;
      step *= sizes[d];
    }
  }

  static void copy(Tensor src, Tensor dst) {
    new StridedCopy(src).run(src, dst);
  }

  private void run(Tensor src, Tensor dst) {
    MemorySegment from = src.storage();
    MemorySegment to = dst.storage();
    int esize = src.dtype().byteSize();
    if (rank == 0) {
      MemorySegment.copy(from, src.byteOffset(), to, dst.byteOffset(), esize);
      return;
    }
    int last = rank - 1;
    if (srcStrides[last] == 1) {
      runs(from, src.offset(), to, dst.offset(), esize);
      return;
    }
    int unit = -1;
    for (int d = 0; d < last; d++) {
      if (srcStrides[d] == 1) {
        unit = d;
      }
    }
    if (unit >= 0) {
      transposes(unit, from, src.offset(), to, dst.offset(), esize);
    } else {
      gathers(from, src.offset(), to, dst.offset(), esize);
    }
  }

  private void runs(MemorySegment src, long srcBase, MemorySegment dst, long dstBase, int esize) {
    int last = rank - 1;
    int run = sizes[last];
    long runBytes = (long) run * esize;
    int[] outer = Arrays.copyOf(sizes, last);
    long[] outerSrc = Arrays.copyOf(srcStrides, last);
    long[] outerDst = Arrays.copyOf(dstStrides, last);
    int rows = count(outer);
    KernelPool.shared().parallelFor(rows, Math.max(1, PARALLEL_ELEMENTS / run), (lo, hi) -> {
      Odometer at = new Odometer(outer, outerSrc, outerDst, lo, srcBase, dstBase);
      for (int r = lo; r < hi; r++) {
        MemorySegment.copy(src, at.offsetA() * esize, dst, at.offsetB() * esize, runBytes);
        at.next();
      }
    });
  }

  private void transposes(int unit, MemorySegment src, long srcBase, MemorySegment dst,
      long dstBase, int esize) {
    int last = rank - 1;
    int rows = sizes[unit];
    int cols = sizes[last];
    long ldS = srcStrides[last];
    long ldD = dstStrides[unit];
    int[] outer = new int[rank - 2];
    long[] outerSrc = new long[rank - 2];
    long[] outerDst = new long[rank - 2];
    for (int d = 0, k = 0; d < last; d++) {
      if (d != unit) {
        outer[k] = sizes[d];
        outerSrc[k] = srcStrides[d];
        outerDst[k] = dstStrides[d];
        k++;
      }
    }
    int stripes = (rows + TileTranspose.BLOCK - 1) / TileTranspose.BLOCK;
    int units = count(outer) * stripes;
    long perUnit = (long) Math.min(rows, TileTranspose.BLOCK) * cols;
    int grain = (int) Math.max(1, PARALLEL_ELEMENTS / perUnit);
    KernelPool.shared().parallelFor(units, grain, (lo, hi) -> {
      for (int u = lo; u < hi; u++) {
        Odometer at = new Odometer(outer, outerSrc, outerDst, u / stripes, srcBase, dstBase);
        int i0 = u % stripes * TileTranspose.BLOCK;
        int i1 = Math.min(rows, i0 + TileTranspose.BLOCK);
        if (esize == 4) {
          TileTranspose.stripe4(src, at.offsetA(), ldS, dst, at.offsetB(), ldD, i0, i1, cols);
        } else {
          TileTranspose.stripe1(src, at.offsetA(), ldS, dst, at.offsetB(), ldD, i0, i1, cols);
        }
      }
    });
  }

  private void gathers(MemorySegment src, long srcBase, MemorySegment dst, long dstBase,
      int esize) {
    int last = rank - 1;
    int cols = sizes[last];
    long step = srcStrides[last];
    int[] outer = Arrays.copyOf(sizes, last);
    long[] outerSrc = Arrays.copyOf(srcStrides, last);
    long[] outerDst = Arrays.copyOf(dstStrides, last);
    KernelPool.shared().parallelFor(count(outer), Math.max(1, PARALLEL_ELEMENTS / cols),
        (lo, hi) -> {
          Odometer at = new Odometer(outer, outerSrc, outerDst, lo, srcBase, dstBase);
          for (int r = lo; r < hi; r++) {
            long s = at.offsetA();
            long d = at.offsetB();
            if (esize == 4) {
              for (int j = 0; j < cols; j++) {
                dst.setAtIndex(ValueLayout.JAVA_INT, d + j,
                    src.getAtIndex(ValueLayout.JAVA_INT, s + j * step));
              }
            } else {
              for (int j = 0; j < cols; j++) {
                dst.set(ValueLayout.JAVA_BYTE, d + j, src.get(ValueLayout.JAVA_BYTE, s + j * step));
              }
            }
            at.next();
          }
        });
  }

  private static int count(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }
}
