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
 * Vector API pooling. Each {@code [H, W]} plane is one unit of parallel work. The plane is first
 * copied into a per-thread array with its padding filled in ({@code -inf} for max pooling, zero
 * for average pooling), so every window lies inside the array and no lane needs a bounds test.
 * The lanes are then neighbouring outputs: along a row, with contiguous loads, when the stride is
 * 1 and a row is at least a vector wide; otherwise across the whole flattened output plane, each
 * lane gathering from its own window (and, for the gradient, scattering back), so small planes
 * and strided windows vectorise too.
 *
 * <p>Padding never wins a max: a lane whose maximum is {@code -inf} (a window of real {@code
 * -inf} values, where the padding would tie) is recomputed by the scalar scan, which skips
 * padding exactly as the reference does.
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

  /** One pooling's windows over a padded plane, shared read-only by the threads. */
  private static final class Windows {
    final int h;
    final int w;
    final int oh;
    final int ow;
    final int outputs;
    /** Padded plane: rows {@code [-padH, hp - padH)} and columns {@code [-padW, wp - padW)}. */
    final int hp;
    final int wp;
    final int padH;
    final int padW;
    final PoolAxis rows;
    final PoolAxis cols;
    final boolean alongRows;
    /** Per tap {@code (u, v)}: its offset from the window start in the padded plane. */
    final int[] tapPadded;
    /** Per tap: its offset from the window start in the input plane. */
    final int[] tapInput;
    /**
     * Per output {@code i * ow + j}: its window start in the padded plane; the maps run a vector
     * past the last output (with harmless zeros) so any group can load a whole vector.
     */
    final int[] start;
    /** Per output: its window start in the input plane, which may lie outside it. */
    final int[] inputStart;
    /** Per output: the average-pooling divisor. */
    final float[] divisor;

    Windows(Pool2dParams p, int h, int w, int oh, int ow) {
      this.h = h;
      this.w = w;
      this.oh = oh;
      this.ow = ow;
      this.outputs = oh * ow;
      this.padH = p.padH();
      this.padW = p.padW();
      this.hp = Math.max((oh - 1) * p.strideH() + (p.kernelH() - 1) * p.dilationH() + 1, 1);
      this.wp = Math.max((ow - 1) * p.strideW() + (p.kernelW() - 1) * p.dilationW() + 1, 1);
      this.rows = new PoolAxis(h, oh, p.kernelH(), p.strideH(), p.padH(), p.dilationH());
      this.cols = new PoolAxis(w, ow, p.kernelW(), p.strideW(), p.padW(), p.dilationW());
      this.alongRows = p.strideW() == 1 && ow >= L;
      int taps = p.kernelH() * p.kernelW();
      tapPadded = new int[taps];
      tapInput = new int[taps];
      for (int u = 0, t = 0; u < p.kernelH(); u++) {
        for (int v = 0; v < p.kernelW(); v++, t++) {
          tapPadded[t] = u * p.dilationH() * wp + v * p.dilationW();
          tapInput[t] = u * p.dilationH() * w + v * p.dilationW();
        }
      }
      int padded = outputs + L;
      start = new int[padded];
      inputStart = new int[padded];
      divisor = new float[padded];
      for (int i = 0, k = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++, k++) {
          start[k] = i * p.strideH() * wp + j * p.strideW();
          inputStart[k] = rows.start(i) * w + cols.start(j);
          divisor[k] = p.countIncludePad()
              ? rows.padded[i] * cols.padded[j]
              : (rows.end[i] - rows.first[i]) * (cols.end[j] - cols.first[j]);
        }
      }
    }

    int taps() {
      return tapPadded.length;
    }

    /** Floats of padded plane, plus a vector of slack for the last row's last group. */
    int planeSize() {
      return hp * wp + L;
    }

    /** Elements a plane reads and writes, to size the parallel grain. */
    int work() {
      return h * w + outputs * taps();
    }

    /** Copies input plane {@code src[base ...]} into the padded {@code plane}. */
    void pad(MemorySegment src, long base, float fill, float[] plane) {
      int copied = Math.min(w, wp - padW);
      for (int r = 0; r < hp; r++) {
        int at = r * wp;
        int ih = r - padH;
        if (ih < 0 || ih >= h || copied <= 0) {
          Arrays.fill(plane, at, at + wp, fill);
          continue;
        }
        Arrays.fill(plane, at, at + padW, fill);
        PlaneRows.load(src, base + (long) ih * w, plane, at + padW, copied);
        Arrays.fill(plane, at + padW + copied, at + wp, fill);
      }
    }

    /** Copies the input positions of the padded {@code plane} to {@code dst[base ...]}. */
    void unpad(float[] plane, MemorySegment dst, long base) {
      int copied = Math.max(0, Math.min(w, wp - padW));
      for (int ih = 0; ih < h; ih++) {
        long to = base + (long) ih * w;
        int r = ih + padH;
        if (r >= hp) {
          dst.asSlice(to * Float.BYTES, (long) w * Float.BYTES).fill((byte) 0);
          continue;
        }
        PlaneRows.store(plane, r * wp + padW, dst, to, copied);
        if (copied < w) {
          dst.asSlice((to + copied) * Float.BYTES, (long) (w - copied) * Float.BYTES)
              .fill((byte) 0);
        }
      }
    }

    /** Tap {@code t} of the {@code L} outputs from {@code p}: a run, or a gather. */
    FloatVector load(float[] plane, int p, int t) {
      return alongRows
          ? FloatVector.fromArray(F, plane, start[p] + tapPadded[t])
          : FloatVector.fromArray(F, plane, tapPadded[t], start, p);
    }

    void store(FloatVector v, float[] plane, int p, int t, VectorMask<Float> m) {
      if (alongRows) {
        v.intoArray(plane, start[p] + tapPadded[t], m);
      } else {
        v.intoArray(plane, tapPadded[t], start, p, m);
      }
    }

    /**
     * The groups of {@code L} lanes, as their first output: along each row (the last group of a
     * row may hold fewer outputs), or along the flattened plane.
     */
    int[] groups() {
      if (!alongRows) {
        int[] firsts = new int[Math.ceilDiv(outputs, L)];
        for (int g = 0; g < firsts.length; g++) {
          firsts[g] = g * L;
        }
        return firsts;
      }
      int perRow = Math.ceilDiv(ow, L);
      int[] firsts = new int[oh * perRow];
      for (int i = 0, g = 0; i < oh; i++) {
        for (int j = 0; j < perRow; j++, g++) {
          firsts[g] = i * ow + j * L;
        }
      }
      return firsts;
    }

    /** The lanes of the group from output {@code p} that are real outputs. */
    VectorMask<Float> lanes(int p) {
      int end = alongRows ? (p / ow + 1) * ow : outputs;
      return F.indexInRange(p, end);
    }
  }

  private static int grain(int work) {
    return Math.max(1, PARALLEL_ELEMENTS / Math.max(1, work));
  }

  @Override
  protected void maxForward(Tensor x, Pool2dParams p, Tensor y, Tensor indices) {
    Windows g = new Windows(p, x.dim(2), x.dim(3), y.dim(2), y.dim(3));
    int[] groups = g.groups();
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    MemorySegment is = indices == null ? null : indices.data();
    int planes = x.dim(0) * x.dim(1);
    KernelPool.shared().parallelFor(planes, grain(g.work()), (from, to) -> {
      float[] plane = NchwScratch.get().columns(g.planeSize());
      for (int c = from; c < to; c++) {
        g.pad(xs, (long) c * g.h * g.w, Float.NEGATIVE_INFINITY, plane);
        long out = (long) c * g.outputs;
        for (int p0 : groups) {
          VectorMask<Float> m = g.lanes(p0);
          if (is == null) {
            FloatVector best = g.load(plane, p0, 0);
            for (int t = 1; t < g.taps(); t++) {
              best = best.max(g.load(plane, p0, t));
            }
            best.intoMemorySegment(ys, (out + p0) * Float.BYTES, ORDER, m);
          } else {
            maxWithIndex(g, plane, p0, m, ys, is, out);
          }
        }
      }
    });
  }

  /**
   * The maxima and argmaxes of the outputs from {@code p0}. A tap replaces a lane's best when
   * strictly greater, or when it is the first NaN, exactly as the scalar scan does.
   */
  private static void maxWithIndex(Windows g, float[] plane, int p0, VectorMask<Float> m,
      MemorySegment ys, MemorySegment is, long out) {
    IntVector base = IntVector.fromArray(I, g.inputStart, p0);
    FloatVector best = g.load(plane, p0, 0);
    IntVector arg = base.add(g.tapInput[0]);
    for (int t = 1; t < g.taps(); t++) {
      FloatVector value = g.load(plane, p0, t);
      VectorMask<Float> better = value.compare(VectorOperators.GT, best)
          .or(value.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
      best = best.blend(value, better);
      arg = arg.blend(base.add(g.tapInput[t]), better.cast(I));
    }
    best.intoMemorySegment(ys, (out + p0) * Float.BYTES, ORDER, m);
    arg.intoMemorySegment(is, (out + p0) * Integer.BYTES, ORDER, m.cast(I));
    VectorMask<Float> tied = best.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY).and(m);
    if (tied.anyTrue()) {
      for (int lane = 0; lane < L; lane++) {
        if (tied.laneIsSet(lane)) {
          maxWindow(g, plane, p0 + lane, ys, is, out);
        }
      }
    }
  }

  /** One window scanned as the reference does, skipping padding. */
  private static void maxWindow(Windows g, float[] plane, int p, MemorySegment ys,
      MemorySegment is, long out) {
    int i = p / g.ow;
    int j = p % g.ow;
    PoolAxis rows = g.rows;
    PoolAxis cols = g.cols;
    float best = Float.NaN;
    int arg = -1;
    for (int u = rows.first[i]; u < rows.end[i]; u++) {
      int ih = rows.start(i) + u * rows.dilation;
      for (int v = cols.first[j]; v < cols.end[j]; v++) {
        int iw = cols.start(j) + v * cols.dilation;
        float value = plane[(ih + g.padH) * g.wp + iw + g.padW];
        if (arg < 0 || value > best || (Float.isNaN(value) && !Float.isNaN(best))) {
          best = value;
          arg = ih * g.w + iw;
        }
      }
    }
    ys.setAtIndex(FLOAT, out + p, best);
    is.setAtIndex(INT, out + p, arg);
  }

  @Override
  protected void maxBackward(Tensor dy, Tensor indices, Tensor dx) {
    MemorySegment dys = dy.data();
    MemorySegment is = indices.data();
    MemorySegment dxs = dx.data();
    int planeSize = dx.dim(2) * dx.dim(3);
    int outPlane = dy.dim(2) * dy.dim(3);
    int planes = dx.dim(0) * dx.dim(1);
    KernelPool.shared().parallelFor(planes, grain(planeSize + outPlane), (from, to) -> {
      float[] plane = NchwScratch.get().columns(planeSize);
      for (int c = from; c < to; c++) {
        Arrays.fill(plane, 0, planeSize, 0f);
        long out = (long) c * outPlane;
        for (int k = 0; k < outPlane; k++) {
          plane[is.getAtIndex(INT, out + k)] += dys.getAtIndex(FLOAT, out + k);
        }
        PlaneRows.store(plane, 0, dxs, (long) c * planeSize, planeSize);
      }
    });
  }

  @Override
  protected void avgForward(Tensor x, Pool2dParams p, Tensor y) {
    Windows g = new Windows(p, x.dim(2), x.dim(3), y.dim(2), y.dim(3));
    int[] groups = g.groups();
    MemorySegment xs = x.data();
    MemorySegment ys = y.data();
    int planes = x.dim(0) * x.dim(1);
    KernelPool.shared().parallelFor(planes, grain(g.work()), (from, to) -> {
      float[] plane = NchwScratch.get().columns(g.planeSize());
      for (int c = from; c < to; c++) {
        g.pad(xs, (long) c * g.h * g.w, 0f, plane);
        long out = (long) c * g.outputs;
        for (int p0 : groups) {
          FloatVector sum = g.load(plane, p0, 0);
          for (int t = 1; t < g.taps(); t++) {
            sum = sum.add(g.load(plane, p0, t));
          }
          sum.div(FloatVector.fromArray(F, g.divisor, p0))
              .intoMemorySegment(ys, (out + p0) * Float.BYTES, ORDER, g.lanes(p0));
        }
      }
    });
  }

  /**
   * Spreads each output gradient over its window in a zeroed padded plane, then copies the input
   * positions out. Different windows start at different places, so the lanes of one tap never
   * write the same element and a gather, add and scatter per tap is exact.
   */
  @Override
  protected void avgBackward(Tensor dy, Pool2dParams p, Tensor dx) {
    Windows g = new Windows(p, dx.dim(2), dx.dim(3), dy.dim(2), dy.dim(3));
    int[] groups = g.groups();
    MemorySegment dys = dy.data();
    MemorySegment dxs = dx.data();
    int planes = dx.dim(0) * dx.dim(1);
    KernelPool.shared().parallelFor(planes, grain(g.work()), (from, to) -> {
      float[] plane = NchwScratch.get().columns(g.planeSize());
      for (int c = from; c < to; c++) {
        Arrays.fill(plane, 0, g.hp * g.wp, 0f);
        long out = (long) c * g.outputs;
        for (int p0 : groups) {
          VectorMask<Float> m = g.lanes(p0);
          FloatVector share = FloatVector.fromMemorySegment(F, dys, (out + p0) * Float.BYTES,
              ORDER, m).div(FloatVector.fromArray(F, g.divisor, p0));
          for (int t = 0; t < g.taps(); t++) {
            g.store(g.load(plane, p0, t).add(share), plane, p0, t, m);
          }
        }
        g.unpad(plane, dxs, (long) c * g.h * g.w);
      }
    });
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
        float total = LaneSum.sum(sum);
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
