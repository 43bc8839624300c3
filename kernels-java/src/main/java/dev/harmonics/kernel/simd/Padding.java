package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pad and its gradient, one innermost row at a time.
 *
 * <p>The outer coordinates of a row map to one source row (or to none: a constant row) through
 * per-dimension lookup tables built once per call, so each row costs a few table reads, then a bulk
 * copy of its interior and short loops over its padded ends. The gradient is computed per row of
 * {@code dx}: each gathers every {@code dy} row that read it (the product of the per-dimension
 * preimages), in a fixed order, so threads never share an output row and the sums do not depend on
 * the thread count.
 */
final class Padding {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  private Padding() {}

  static void forward(Tensor x, int[] before, int[] after, PadMode mode, float value, Tensor y) {
    int rank = x.rank();
    int esize = x.dtype().byteSize();
    MemorySegment src = x.storage();
    MemorySegment dst = y.storage();
    if (rank == 0) {
      MemorySegment.copy(src, x.byteOffset(), dst, y.byteOffset(), esize);
      return;
    }
    int bits = fillBits(x.dtype(), value);
    int n = x.dim(-1);
    int b = before[rank - 1];
    int rowY = y.dim(-1);
    int[] lastMap = axisMap(mode, rowY, b, n);
    long[][] rowOffsets = outerRowOffsets(x.shape(), y.shape(), before, mode);
    int[] outer = Arrays.copyOf(y.shape(), rank - 1);
    int rows = y.size() / Math.max(1, rowY);
    long xBase = x.offset();
    long yBase = y.offset();
    int inner = rank - 2;
    KernelPool.shared().parallelFor(rows, grain(rowY), (lo, hi) -> {
      int[] c = coordinates(lo, outer);
      long plane = planeOffset(rowOffsets, c);
      for (int r = lo; r < hi; r++) {
        long yRow = (yBase + (long) r * rowY) * esize;
        long srcRow = inner < 0 ? 0 : rowOffsets[inner][c[inner]];
        if (srcRow < 0 || plane < 0) {
          ElementFill.fill(dst, yRow, rowY, esize, bits);
        } else {
          long xRow = (xBase + (plane + srcRow) * n) * esize;
          MemorySegment.copy(src, xRow, dst, yRow + (long) b * esize, (long) n * esize);
          padEnds(src, xRow, dst, yRow, lastMap, b, n, mode, esize, bits);
        }
        advance(c, outer);
        if (inner >= 0 && c[inner] == 0) {
          plane = planeOffset(rowOffsets, c);
        }
      }
    });
  }

  static void backward(Tensor dy, int[] before, int[] after, PadMode mode, Tensor dx) {
    int rank = dx.rank();
    MemorySegment g = dy.storage();
    MemorySegment out = dx.storage();
    if (rank == 0) {
      MemorySegment.copy(g, dy.byteOffset(), out, dx.byteOffset(), 4);
      return;
    }
    int n = dx.dim(-1);
    int b = before[rank - 1];
    int rowY = dy.dim(-1);
    int[] lastMap = axisMap(mode, rowY, b, n);
    int[] xShape = dx.shape();
    int[] yShape = dy.shape();
    int[][][] preimages = new int[rank - 1][][];
    long[] yRowStrides = new long[rank - 1];
    long step = 1;
    for (int d = rank - 2; d >= 0; d--) {
      preimages[d] = preimages(mode, yShape[d], before[d], xShape[d]);
      yRowStrides[d] = step;
      step *= yShape[d];
    }
    int[] outer = Arrays.copyOf(xShape, rank - 1);
    int rows = dx.size() / n;
    long gBase = dy.offset();
    long xBase = dx.offset();
    KernelPool.shared().parallelFor(rows, grain(rowY), (lo, hi) -> {
      int[] c = coordinates(lo, outer);
      int[] pick = new int[rank - 1];
      for (int r = lo; r < hi; r++) {
        long xRow = xBase + (long) r * n;
        if (mode == PadMode.CONSTANT) {
          long yRow = 0;
          for (int d = 0; d < rank - 1; d++) {
            yRow += (c[d] + before[d]) * yRowStrides[d];
          }
          MemorySegment.copy(g, (gBase + yRow * rowY + b) * 4, out, xRow * 4, (long) n * 4);
        } else {
          Arrays.fill(pick, 0);
          boolean first = true;
          do {
            long yRow = 0;
            for (int d = 0; d < rank - 1; d++) {
              yRow += preimages[d][c[d]][pick[d]] * yRowStrides[d];
            }
            accumulateRow(g, gBase + yRow * rowY, out, xRow, lastMap, b, n, first);
            first = false;
          } while (nextPick(pick, preimages, c));
        }
        advance(c, outer);
      }
    });
  }

  /**
   * dx[j] += dy[b + j] over the interior (dx[j] = dy[b + j] for the first row read), then the
   * padded ends onto the positions they read.
   */
  private static void accumulateRow(MemorySegment g, long yRow, MemorySegment out, long xRow,
      int[] lastMap, int b, int n, boolean first) {
    long gi = (yRow + b) * 4;
    long xi = xRow * 4;
    if (first) {
      MemorySegment.copy(g, gi, out, xi, (long) n * 4);
    } else {
      int bound = F.loopBound(n);
      int j = 0;
      for (; j < bound; j += F.length()) {
        FloatVector acc = FloatVector.fromMemorySegment(F, out, xi + j * 4L, NATIVE);
        acc.add(FloatVector.fromMemorySegment(F, g, gi + j * 4L, NATIVE))
            .intoMemorySegment(out, xi + j * 4L, NATIVE);
      }
      if (j < n) {
        VectorMask<Float> tail = F.indexInRange(j, n);
        FloatVector acc = FloatVector.fromMemorySegment(F, out, xi + j * 4L, NATIVE, tail);
        acc.add(FloatVector.fromMemorySegment(F, g, gi + j * 4L, NATIVE, tail))
            .intoMemorySegment(out, xi + j * 4L, NATIVE, tail);
      }
    }
    for (int o = 0; o < b; o++) {
      addAt(out, xRow + lastMap[o], g.getAtIndex(ValueLayout.JAVA_FLOAT, yRow + o));
    }
    for (int o = b + n; o < lastMap.length; o++) {
      addAt(out, xRow + lastMap[o], g.getAtIndex(ValueLayout.JAVA_FLOAT, yRow + o));
    }
  }

  private static void addAt(MemorySegment out, long index, float v) {
    out.setAtIndex(ValueLayout.JAVA_FLOAT, index,
        out.getAtIndex(ValueLayout.JAVA_FLOAT, index) + v);
  }

  private static void padEnds(MemorySegment src, long xRow, MemorySegment dst, long yRow,
      int[] lastMap, int b, int n, PadMode mode, int esize, int bits) {
    int rowY = lastMap.length;
    if (mode == PadMode.CONSTANT) {
      ElementFill.fill(dst, yRow, b, esize, bits);
      ElementFill.fill(dst, yRow + (long) (b + n) * esize, rowY - b - n, esize, bits);
      return;
    }
    for (int o = 0; o < b; o++) {
      moveOne(src, xRow + (long) lastMap[o] * esize, dst, yRow + (long) o * esize, esize);
    }
    for (int o = b + n; o < rowY; o++) {
      moveOne(src, xRow + (long) lastMap[o] * esize, dst, yRow + (long) o * esize, esize);
    }
  }

  private static void moveOne(MemorySegment src, long from, MemorySegment dst, long to,
      int esize) {
    if (esize == 4) {
      dst.set(ValueLayout.JAVA_INT_UNALIGNED, to, src.get(ValueLayout.JAVA_INT_UNALIGNED, from));
    } else {
      dst.set(ValueLayout.JAVA_BYTE, to, src.get(ValueLayout.JAVA_BYTE, from));
    }
  }

  /** The source coordinate of every output coordinate along one dimension (-1: constant). */
  private static int[] axisMap(PadMode mode, int outSize, int before, int n) {
    int[] map = new int[outSize];
    for (int o = 0; o < outSize; o++) {
      map[o] = mode.sourceIndex(o, before, n);
    }
    return map;
  }

  /** For each outer dimension and output coordinate: the source row offset it adds, or -1. */
  private static long[][] outerRowOffsets(int[] xShape, int[] yShape, int[] before,
      PadMode mode) {
    int outer = xShape.length - 1;
    long[][] offsets = new long[outer][];
    long step = 1;
    for (int d = outer - 1; d >= 0; d--) {
      int[] map = axisMap(mode, yShape[d], before[d], xShape[d]);
      offsets[d] = new long[map.length];
      for (int o = 0; o < map.length; o++) {
        offsets[d][o] = map[o] < 0 ? -1 : map[o] * step;
      }
      step *= xShape[d];
    }
    return offsets;
  }

  /** For each source coordinate, the output coordinates that read it, in increasing order. */
  private static int[][] preimages(PadMode mode, int outSize, int before, int n) {
    int[] counts = new int[n];
    int[] map = axisMap(mode, outSize, before, n);
    for (int i : map) {
      if (i >= 0) {
        counts[i]++;
      }
    }
    int[][] pre = new int[n][];
    for (int i = 0; i < n; i++) {
      pre[i] = new int[counts[i]];
      counts[i] = 0;
    }
    for (int o = 0; o < outSize; o++) {
      if (map[o] >= 0) {
        pre[map[o]][counts[map[o]]++] = o;
      }
    }
    return pre;
  }

  private static boolean nextPick(int[] pick, int[][][] preimages, int[] c) {
    for (int d = pick.length - 1; d >= 0; d--) {
      if (++pick[d] < preimages[d][c[d]].length) {
        return true;
      }
      pick[d] = 0;
    }
    return false;
  }

  /** The source row offset of every outer dimension but the innermost, or -1 for a constant. */
  private static long planeOffset(long[][] rowOffsets, int[] c) {
    long row = 0;
    for (int d = 0; d < c.length - 1; d++) {
      long o = rowOffsets[d][c[d]];
      if (o < 0) {
        return -1;
      }
      row += o;
    }
    return row;
  }

  private static int[] coordinates(long flat, int[] shape) {
    int[] c = new int[shape.length];
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      c[d] = (int) (rest % shape[d]);
      rest /= shape[d];
    }
    return c;
  }

  private static void advance(int[] c, int[] shape) {
    for (int d = c.length - 1; d >= 0; d--) {
      if (++c[d] < shape[d]) {
        return;
      }
      c[d] = 0;
    }
  }

  private static int grain(int rowLength) {
    return Math.max(1, StridedCopy.PARALLEL_ELEMENTS / Math.max(1, rowLength));
  }

  private static int fillBits(DType dtype, float value) {
    return switch (dtype) {
      case FLOAT32 -> Float.floatToRawIntBits(value);
      case INT32 -> (int) value;
      case INT8 -> (byte) value;
    };
  }
}
