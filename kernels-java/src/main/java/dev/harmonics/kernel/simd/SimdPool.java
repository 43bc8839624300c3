package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Pool2dParams;
import dev.harmonics.kernel.PoolKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API pooling. Each {@code [H, W]} plane is one unit of parallel work. Windowed pooling is
 * vectorised along the output width: the lanes are neighbouring outputs of one row, over the
 * interior columns whose windows lie wholly inside the input; edge outputs take the scalar path,
 * which is the reference's loop. A plane is first copied into a per-thread array so that strided
 * windows can use gather (and, for the gradient, scatter) with a lane stride of {@code strideW}.
 */
final class SimdPool extends PoolKernels {

  private static final VectorSpecies<Float> F = SimdSpecies.FLOAT;
  private static final VectorSpecies<Integer> I =
      VectorSpecies.of(int.class, SimdSpecies.FLOAT.vectorShape());
  private static final int L = F.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

  /** Elements of work below which a call stays on the calling thread: too little to share. */
  private static final int PARALLEL_ELEMENTS = 1 << 15;

  /** One pooling's planes and windows, shared read-only by the threads. */
  private record Windows(int h, int w, int oh, int ow, PoolAxis rows, PoolAxis cols,
      boolean includePad, int[] laneOffsets) {

    static Windows of(Pool2dParams p, int h, int w, int oh, int ow) {
      int[] lanes = new int[L];
      for (int i = 0; i < L; i++) {
        lanes[i] = i * p.strideW();
      }
      return new Windows(h, w, oh, ow,
          new PoolAxis(h, oh, p.kernelH(), p.strideH(), p.padH(), p.dilationH()),
          new PoolAxis(w, ow, p.kernelW(), p.strideW(), p.padW(), p.dilationW()),
          p.countIncludePad(), lanes);
    }

    int divisor(int i, int j) {
      return includePad
          ? rows.padded[i] * cols.padded[j]
          : (rows.end[i] - rows.first[i]) * (cols.end[j] - cols.first[j]);
    }

    /** Elements a plane reads and writes, to size the parallel grain. */
    int work() {
      return h * w + oh * ow * rows.kernel * cols.kernel;
    }

    FloatVector load(float[] plane, int at) {
      return cols.stride == 1
          ? FloatVector.fromArray(F, plane, at)
          : FloatVector.fromArray(F, plane, at, laneOffsets, 0);
    }

    void store(FloatVector v, float[] plane, int at) {
      if (cols.stride == 1) {
        v.intoArray(plane, at);
      } else {
        v.intoArray(plane, at, laneOffsets, 0);
      }
    }
  }

  private static Windows windows(Pool2dParams p, Tensor input, Tensor output) {
    return Windows.of(p, input.dim(2), input.dim(3), output.dim(2), output.dim(3));
  }

  private static int grain(int work) {
    return Math.max(1, PARALLEL_ELEMENTS / Math.max(1, work));
  }

  @Override
  protected void maxForward(Tensor x, Pool2dParams p, Tensor y, Tensor indices) {
    Windows g = windows(p, x, y);
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    MemorySegment is = indices == null ? null : indices.data();
    int planes = x.dim(0) * x.dim(1);
    KernelPool.shared().parallelFor(planes, grain(g.work()), (from, to) -> {
      float[] plane = NchwScratch.get().columns(g.h * g.w);
      for (int c = from; c < to; c++) {
        MemorySegment.copy(xs, FLOAT, (long) c * g.h * g.w * Float.BYTES, plane, 0, g.h * g.w);
        maxPlane(g, plane, ys, is, (long) c * g.oh * g.ow);
      }
    });
  }

  private static void maxPlane(Windows g, float[] plane, MemorySegment ys, MemorySegment is,
      long out) {
    PoolAxis cols = g.cols;
    IntVector laneOffsets = IntVector.fromArray(I, g.laneOffsets, 0);
    for (int i = 0; i < g.oh; i++) {
      long row = out + (long) i * g.ow;
      int j = 0;
      for (; j < Math.min(cols.interiorFrom, g.ow); j++) {
        maxWindow(g, plane, i, j, ys, is, row + j);
      }
      for (; j + L <= cols.interiorTo; j += L) {
        if (is == null) {
          maxLanes(g, plane, i, j).intoMemorySegment(ys, (row + j) * Float.BYTES, ORDER);
        } else {
          maxLanesWithIndex(g, plane, i, j, laneOffsets, ys, is, row + j);
        }
      }
      for (; j < g.ow; j++) {
        maxWindow(g, plane, i, j, ys, is, row + j);
      }
    }
  }

  /** The maxima of the interior windows {@code j .. j + L - 1} of output row {@code i}. */
  private static FloatVector maxLanes(Windows g, float[] plane, int i, int j) {
    PoolAxis rows = g.rows;
    PoolAxis cols = g.cols;
    FloatVector best = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    for (int u = rows.first[i]; u < rows.end[i]; u++) {
      int at = (rows.start(i) + u * rows.dilation) * g.w + cols.start(j);
      for (int v = 0; v < cols.kernel; v++) {
        best = best.max(g.load(plane, at + v * cols.dilation));
      }
    }
    return best;
  }

  /**
   * Like {@link #maxLanes}, also tracking each lane's argmax. A tap replaces the lane's current
   * best when strictly greater, or when it is the first NaN, exactly as the scalar scan does.
   */
  private static void maxLanesWithIndex(Windows g, float[] plane, int i, int j,
      IntVector laneOffsets, MemorySegment ys, MemorySegment is, long out) {
    PoolAxis rows = g.rows;
    PoolAxis cols = g.cols;
    int u0 = rows.first[i];
    int first = (rows.start(i) + u0 * rows.dilation) * g.w + cols.start(j);
    FloatVector best = g.load(plane, first);
    IntVector arg = laneOffsets.add(first);
    for (int u = u0; u < rows.end[i]; u++) {
      int at = (rows.start(i) + u * rows.dilation) * g.w + cols.start(j);
      for (int v = u == u0 ? 1 : 0; v < cols.kernel; v++) {
        int tap = at + v * cols.dilation;
        FloatVector value = g.load(plane, tap);
        VectorMask<Float> better = value.compare(VectorOperators.GT, best)
            .or(value.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
        best = best.blend(value, better);
        arg = arg.blend(laneOffsets.add(tap), better.cast(I));
      }
    }
    best.intoMemorySegment(ys, out * Float.BYTES, ORDER);
    arg.intoMemorySegment(is, out * Integer.BYTES, ORDER);
  }

  /** One window, scanned as the reference does. */
  private static void maxWindow(Windows g, float[] plane, int i, int j, MemorySegment ys,
      MemorySegment is, long out) {
    PoolAxis rows = g.rows;
    PoolAxis cols = g.cols;
    float best = Float.NaN;
    int arg = -1;
    for (int u = rows.first[i]; u < rows.end[i]; u++) {
      int at = (rows.start(i) + u * rows.dilation) * g.w + cols.start(j);
      for (int v = cols.first[j]; v < cols.end[j]; v++) {
        int tap = at + v * cols.dilation;
        float value = plane[tap];
        if (arg < 0 || value > best || (Float.isNaN(value) && !Float.isNaN(best))) {
          best = value;
          arg = tap;
        }
      }
    }
    ys.setAtIndex(FLOAT, out, best);
    if (is != null) {
      is.setAtIndex(INT, out, arg);
    }
  }

  @Override
  protected void maxBackward(Tensor dy, Tensor indices, Tensor dx) {
    MemorySegment dys = dy.data();
    MemorySegment is = indices.data();
    MemorySegment dxs = dx.data();
    long planeSize = (long) dx.dim(2) * dx.dim(3);
    int outPlane = dy.dim(2) * dy.dim(3);
    int planes = dx.dim(0) * dx.dim(1);
    int work = (int) Math.min(Integer.MAX_VALUE, planeSize + outPlane);
    KernelPool.shared().parallelFor(planes, grain(work), (from, to) -> {
      for (int c = from; c < to; c++) {
        long base = c * planeSize;
        dxs.asSlice(base * Float.BYTES, planeSize * Float.BYTES).fill((byte) 0);
        long out = (long) c * outPlane;
        for (int k = 0; k < outPlane; k++) {
          long at = base + is.getAtIndex(INT, out + k);
          dxs.setAtIndex(FLOAT, at, dxs.getAtIndex(FLOAT, at) + dys.getAtIndex(FLOAT, out + k));
        }
      }
    });
  }

  @Override
  protected void avgForward(Tensor x, Pool2dParams p, Tensor y) {
    Windows g = windows(p, x, y);
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    int planes = x.dim(0) * x.dim(1);
    KernelPool.shared().parallelFor(planes, grain(g.work()), (from, to) -> {
      float[] plane = NchwScratch.get().columns(g.h * g.w);
      for (int c = from; c < to; c++) {
        MemorySegment.copy(xs, FLOAT, (long) c * g.h * g.w * Float.BYTES, plane, 0, g.h * g.w);
        avgPlane(g, plane, ys, (long) c * g.oh * g.ow);
      }
    });
  }

  private static void avgPlane(Windows g, float[] plane, MemorySegment ys, long out) {
    PoolAxis rows = g.rows;
    PoolAxis cols = g.cols;
    for (int i = 0; i < g.oh; i++) {
      long row = out + (long) i * g.ow;
      int j = 0;
      for (; j < Math.min(cols.interiorFrom, g.ow); j++) {
        ys.setAtIndex(FLOAT, row + j, avgWindow(g, plane, i, j));
      }
      if (j + L <= cols.interiorTo) {
        FloatVector divisor = FloatVector.broadcast(F, g.divisor(i, j));
        for (; j + L <= cols.interiorTo; j += L) {
          FloatVector sum = FloatVector.zero(F);
          for (int u = rows.first[i]; u < rows.end[i]; u++) {
            int at = (rows.start(i) + u * rows.dilation) * g.w + cols.start(j);
            for (int v = 0; v < cols.kernel; v++) {
              sum = sum.add(g.load(plane, at + v * cols.dilation));
            }
          }
          sum.div(divisor).intoMemorySegment(ys, (row + j) * Float.BYTES, ORDER);
        }
      }
      for (; j < g.ow; j++) {
        ys.setAtIndex(FLOAT, row + j, avgWindow(g, plane, i, j));
      }
    }
  }

  private static float avgWindow(Windows g, float[] plane, int i, int j) {
    PoolAxis rows = g.rows;
    PoolAxis cols = g.cols;
    float sum = 0;
    for (int u = rows.first[i]; u < rows.end[i]; u++) {
      int at = (rows.start(i) + u * rows.dilation) * g.w + cols.start(j);
      for (int v = cols.first[j]; v < cols.end[j]; v++) {
        sum += plane[at + v * cols.dilation];
      }
    }
    return sum / g.divisor(i, j);
  }

  @Override
  protected void avgBackward(Tensor dy, Pool2dParams p, Tensor dx) {
    Windows g = windows(p, dx, dy);
    MemorySegment dys = dy.data();
    MemorySegment dxs = dx.data();
    int planes = dx.dim(0) * dx.dim(1);
    KernelPool.shared().parallelFor(planes, grain(g.work()), (from, to) -> {
      float[] plane = NchwScratch.get().columns(g.h * g.w);
      for (int c = from; c < to; c++) {
        Arrays.fill(plane, 0, g.h * g.w, 0f);
        avgGradientPlane(g, dys, (long) c * g.oh * g.ow, plane);
        MemorySegment.copy(plane, 0, dxs, FLOAT, (long) c * g.h * g.w * Float.BYTES, g.h * g.w);
      }
    });
  }

  /** Spreads each output gradient over its window, accumulating into {@code plane}. */
  private static void avgGradientPlane(Windows g, MemorySegment dys, long out, float[] plane) {
    PoolAxis rows = g.rows;
    PoolAxis cols = g.cols;
    for (int i = 0; i < g.oh; i++) {
      long row = out + (long) i * g.ow;
      int j = 0;
      for (; j < Math.min(cols.interiorFrom, g.ow); j++) {
        spreadWindow(g, plane, i, j, dys.getAtIndex(FLOAT, row + j));
      }
      if (j + L <= cols.interiorTo) {
        FloatVector divisor = FloatVector.broadcast(F, g.divisor(i, j));
        for (; j + L <= cols.interiorTo; j += L) {
          FloatVector share =
              FloatVector.fromMemorySegment(F, dys, (row + j) * Float.BYTES, ORDER).div(divisor);
          for (int u = rows.first[i]; u < rows.end[i]; u++) {
            int at = (rows.start(i) + u * rows.dilation) * g.w + cols.start(j);
            for (int v = 0; v < cols.kernel; v++) {
              int tap = at + v * cols.dilation;
              g.store(g.load(plane, tap).add(share), plane, tap);
            }
          }
        }
      }
      for (; j < g.ow; j++) {
        spreadWindow(g, plane, i, j, dys.getAtIndex(FLOAT, row + j));
      }
    }
  }

  private static void spreadWindow(Windows g, float[] plane, int i, int j, float gradient) {
    PoolAxis rows = g.rows;
    PoolAxis cols = g.cols;
    float share = gradient / g.divisor(i, j);
    for (int u = rows.first[i]; u < rows.end[i]; u++) {
      int at = (rows.start(i) + u * rows.dilation) * g.w + cols.start(j);
      for (int v = cols.first[j]; v < cols.end[j]; v++) {
        plane[at + v * cols.dilation] += share;
      }
    }
  }

  @Override
  protected void globalAvgForward(Tensor x, Tensor y) {
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    int planeSize = x.dim(2) * x.dim(3);
    int planes = x.dim(0) * x.dim(1);
    KernelPool.shared().parallelFor(planes, grain(planeSize), (from, to) -> {
      for (int c = from; c < to; c++) {
        long base = (long) c * planeSize;
        FloatVector sum = FloatVector.zero(F);
        int k = 0;
        for (int bound = F.loopBound(planeSize); k < bound; k += L) {
          sum = sum.add(FloatVector.fromMemorySegment(F, xs, (base + k) * Float.BYTES, ORDER));
        }
        float total = sum.reduceLanes(VectorOperators.ADD);
        for (; k < planeSize; k++) {
          total += xs.getAtIndex(FLOAT, base + k);
        }
        ys.setAtIndex(FLOAT, c, total / planeSize);
      }
    });
  }

  @Override
  protected void globalAvgBackward(Tensor dy, Tensor dx) {
    MemorySegment dys = dy.data();
    MemorySegment dxs = dx.data();
    int planeSize = dx.dim(2) * dx.dim(3);
    int planes = dx.dim(0) * dx.dim(1);
    KernelPool.shared().parallelFor(planes, grain(planeSize), (from, to) -> {
      for (int c = from; c < to; c++) {
        long base = (long) c * planeSize;
        float share = (float) ((double) dys.getAtIndex(FLOAT, c) / planeSize);
        FloatVector v = FloatVector.broadcast(F, share);
        int k = 0;
        for (int bound = F.loopBound(planeSize); k < bound; k += L) {
          v.intoMemorySegment(dxs, (base + k) * Float.BYTES, ORDER);
        }
        for (; k < planeSize; k++) {
          dxs.setAtIndex(FLOAT, base + k, share);
        }
      }
    });
  }
}
