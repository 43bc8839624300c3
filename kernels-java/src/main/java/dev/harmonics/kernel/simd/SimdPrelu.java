package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * PReLU over x seen as [outer, channels, inner]. The flat element range is cut into chunks (one
 * per thread for large tensors); inside a chunk, runs of elements that share a channel get a
 * broadcast slope (inner > 1, NCHW) and rows of consecutive channels a slope vector (inner == 1,
 * [N, C]). The slope gradient is summed per chunk, in float within a block (of {@link #BLOCK}
 * elements of a plane, or {@link #ROW_BLOCK} rows) and in double across blocks and chunks.
 */
final class SimdPrelu {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int LANES = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final int GRAIN = 1 << 16;
  /** Elements summed in float before folding into double (per lane: BLOCK / LANES). */
  private static final int BLOCK = 1024;
  /** Rows of [N, C] whose slope gradients are summed in float before folding into double. */
  private static final int ROW_BLOCK = 256;

  private final MemorySegment xs;
  private final long xo;
  private final MemorySegment slopes;
  private final long so;
  private final int channels;
  private final int inner;
  private final int size;

  private final boolean threads;

  SimdPrelu(Tensor x, Tensor slope, int outer, int channels, int inner) {
    this.threads = PointwiseThreads.shareable(x, slope);
    this.xs = x.storage();
    this.xo = x.byteOffset();
    this.slopes = slope.storage();
    this.so = slope.byteOffset();
    this.channels = channels;
    this.inner = inner;
    this.size = outer * channels * inner;
  }

  void forward(Tensor y) {
    MemorySegment ys = y.storage();
    long yo = y.byteOffset();
    if (size <= GRAIN || !threads || !PointwiseThreads.shareable(y)) {
      forwardRange(ys, yo, 0, size);
    } else {
      KernelPool.shared().parallelFor(size, GRAIN, (from, to) -> forwardRange(ys, yo, from, to));
    }
  }

  void backward(Tensor dy, Tensor dx, Tensor dslope) {
    MemorySegment gs = dy.storage();
    long go = dy.byteOffset();
    MemorySegment ds = dx == null ? null : dx.storage();
    long dO = dx == null ? 0 : dx.byteOffset();
    boolean wantSlope = dslope != null;
    boolean shareable = threads && PointwiseThreads.shareable(dy)
        && (dx == null || PointwiseThreads.shareable(dx));
    int chunks = shareable
        ? Math.max(1, Math.min(KernelPool.shared().parallelism(), size / GRAIN)) : 1;
    double[][] sums = new double[chunks][wantSlope ? channels : 0];
    if (chunks == 1) {
      backwardRange(gs, go, ds, dO, sums[0], 0, size);
    } else {
      KernelPool.shared().parallelFor(chunks, 1, (c0, c1) -> {
        for (int c = c0; c < c1; c++) {
          int from = (int) ((long) size * c / chunks);
          int to = (int) ((long) size * (c + 1) / chunks);
          backwardRange(gs, go, ds, dO, sums[c], from, to);
        }
      });
    }
    if (wantSlope) {
      for (int c = 0; c < channels; c++) {
        double total = 0;
        for (double[] chunk : sums) {
          total += chunk[c];
        }
        dslope.storage().setAtIndex(ValueLayout.JAVA_FLOAT, dslope.offset() + c, (float) total);
      }
    }
  }

  private void forwardRange(MemorySegment ys, long yo, int from, int to) {
    for (int i = from; i < to; ) {
      int channel = (i / inner) % channels;
      int end = Math.min(to, inner == 1 ? i + channels - channel : i - i % inner + inner);
      if (inner == 1) {
        forwardRow(ys, yo, i, end, channel);
      } else {
        forwardPlane(ys, yo, i, end, slopes.get(ValueLayout.JAVA_FLOAT, so + 4L * channel));
      }
      i = end;
    }
  }

  /** Elements [i, end) have channels channel, channel + 1, ... */
  private void forwardRow(MemorySegment ys, long yo, int i, int end, int channel) {
    long sOff = so + 4L * (channel - i);
    for (int bound = i + S.loopBound(end - i); i < bound; i += LANES) {
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER);
      FloatVector a = FloatVector.fromMemorySegment(S, slopes, sOff + 4L * i, ORDER);
      v.mul(a).blend(v, positive(v)).intoMemorySegment(ys, yo + 4L * i, ORDER);
    }
    if (i < end) {
      VectorMask<Float> m = S.indexInRange(i, end);
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER, m);
      FloatVector a = FloatVector.fromMemorySegment(S, slopes, sOff + 4L * i, ORDER, m);
      v.mul(a).blend(v, positive(v)).intoMemorySegment(ys, yo + 4L * i, ORDER, m);
    }
  }

  /** Elements [i, end) share the slope a. */
  private void forwardPlane(MemorySegment ys, long yo, int i, int end, float a) {
    for (int bound = i + S.loopBound(end - i); i < bound; i += LANES) {
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER);
      v.mul(a).blend(v, positive(v)).intoMemorySegment(ys, yo + 4L * i, ORDER);
    }
    if (i < end) {
      VectorMask<Float> m = S.indexInRange(i, end);
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER, m);
      v.mul(a).blend(v, positive(v)).intoMemorySegment(ys, yo + 4L * i, ORDER, m);
    }
  }

  private void backwardRange(MemorySegment gs, long go, MemorySegment ds, long dO, double[] sums,
      int from, int to) {
    boolean wantSlope = sums.length > 0;
    float[] rowSums = inner == 1 && wantSlope ? new float[channels] : null;
    int rows = 0;
    for (int i = from; i < to; ) {
      int channel = (i / inner) % channels;
      int end = Math.min(to, inner == 1 ? i + channels - channel : i - i % inner + inner);
      if (inner == 1) {
        backwardRow(gs, go, ds, dO, rowSums, i, end, channel);
        if (rowSums != null && (++rows == ROW_BLOCK || end == to)) {
          for (int c = 0; c < channels; c++) {
            sums[c] += rowSums[c];
            rowSums[c] = 0;
          }
          rows = 0;
        }
      } else {
        float a = slopes.get(ValueLayout.JAVA_FLOAT, so + 4L * channel);
        double total = 0;
        for (int block = i; block < end; block += BLOCK) {
          total += backwardPlane(gs, go, ds, dO, wantSlope, block, Math.min(end, block + BLOCK), a);
        }
        if (wantSlope) {
          sums[channel] += total;
        }
      }
      i = end;
    }
  }

  /** Elements [i, end) have channels channel, channel + 1, ...; adds x * dy into rowSums. */
  private void backwardRow(MemorySegment gs, long go, MemorySegment ds, long dO, float[] rowSums,
      int i, int end, int channel) {
    long sOff = so + 4L * (channel - i);
    int rOff = channel - i;
    for (; i < end; i += LANES) {
      VectorMask<Float> m = S.indexInRange(i, end);
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER, m);
      FloatVector g = FloatVector.fromMemorySegment(S, gs, go + 4L * i, ORDER, m);
      VectorMask<Float> pos = positive(v);
      if (ds != null) {
        FloatVector a = FloatVector.fromMemorySegment(S, slopes, sOff + 4L * i, ORDER, m);
        slope(v, a, pos).mul(g).intoMemorySegment(ds, dO + 4L * i, ORDER, m);
      }
      if (rowSums != null) {
        FloatVector acc = FloatVector.fromArray(S, rowSums, rOff + i, m);
        v.blend(0f, pos).fma(g, acc).intoArray(rowSums, rOff + i, m);
      }
    }
  }

  /** Elements [i, end) share the slope a; returns the sum of x * dy where x <= 0. */
  private float backwardPlane(MemorySegment gs, long go, MemorySegment ds, long dO,
      boolean wantSlope, int i, int end, float a) {
    FloatVector slope = FloatVector.broadcast(S, a);
    FloatVector acc = FloatVector.zero(S);
    for (int bound = i + S.loopBound(end - i); i < bound; i += LANES) {
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER);
      FloatVector g = FloatVector.fromMemorySegment(S, gs, go + 4L * i, ORDER);
      VectorMask<Float> pos = positive(v);
      if (ds != null) {
        slope(v, slope, pos).mul(g).intoMemorySegment(ds, dO + 4L * i, ORDER);
      }
      acc = v.blend(0f, pos).fma(g, acc);
    }
    if (i < end) {
      VectorMask<Float> m = S.indexInRange(i, end);
      FloatVector v = FloatVector.fromMemorySegment(S, xs, xo + 4L * i, ORDER, m);
      FloatVector g = FloatVector.fromMemorySegment(S, gs, go + 4L * i, ORDER, m);
      VectorMask<Float> pos = positive(v);
      if (ds != null) {
        slope(v, slope, pos).mul(g).intoMemorySegment(ds, dO + 4L * i, ORDER, m);
      }
      acc = v.blend(0f, pos).fma(g, acc);
    }
    return wantSlope ? LaneSum.sum(acc) : 0f;
  }

  /** {@code x > 0 ? 1 : a}, and NaN where x is NaN. */
  private static FloatVector slope(FloatVector x, FloatVector a, VectorMask<Float> positive) {
    return a.blend(1f, positive).blend(x, SimdActivationMath.isNaN(x));
  }

  private static VectorMask<Float> positive(FloatVector x) {
    return x.compare(VectorOperators.GT, 0f);
  }
}
