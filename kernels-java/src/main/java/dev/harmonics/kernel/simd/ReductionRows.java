package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector loops of the reductions, over one contiguous run (byte offsets): sums and maxima of a
 * run into one value ("horizontal"), and element-wise accumulation of a run into a row of
 * accumulators ("vertical"). Sums optionally multiply or divide each element by a second operand
 * first, for the gradients of broadcast products and quotients.
 *
 * <p>Horizontal sums keep four vector accumulators (to hide the add latency) and fold them into
 * a double every {@link #BLOCK} elements, so rounding error grows with the block, not the run.
 */
final class ReductionRows {

  /** Elements summed in float before folding into double. */
  static final int BLOCK = 1024;

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int LANES = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  private ReductionRows() {}

  /** Sum of x over n elements. */
  static double sum(MemorySegment x, long xo, int n) {
    x = x.asSlice(xo, 4L * n);
    double total = 0;
    for (int start = 0; start < n; start += BLOCK) {
      int end = Math.min(n, start + BLOCK);
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      FloatVector s2 = s0;
      FloatVector s3 = s0;
      int i = start;
      for (int bound = start + (end - start) / (4 * LANES) * (4 * LANES); i < bound;
          i += 4 * LANES) {
        long at = 4L * i;
        s0 = s0.add(FloatVector.fromMemorySegment(S, x, at, ORDER));
        s1 = s1.add(FloatVector.fromMemorySegment(S, x, at + 4L * LANES, ORDER));
        s2 = s2.add(FloatVector.fromMemorySegment(S, x, at + 8L * LANES, ORDER));
        s3 = s3.add(FloatVector.fromMemorySegment(S, x, at + 12L * LANES, ORDER));
      }
      for (int bound = start + S.loopBound(end - start); i < bound; i += LANES) {
        s0 = s0.add(FloatVector.fromMemorySegment(S, x, 4L * i, ORDER));
      }
      float block = LaneSum.sum(s0.add(s1).add(s2.add(s3)));
      for (; i < end; i++) {
        block += x.get(F, 4L * i);
      }
      total += block;
    }
    return total;
  }

  /** Sum of x * m over n elements. */
  static double sumOfProducts(MemorySegment x, long xo, MemorySegment m, long mo, int n) {
    x = x.asSlice(xo, 4L * n);
    m = m.asSlice(mo, 4L * n);
    double total = 0;
    for (int start = 0; start < n; start += BLOCK) {
      int end = Math.min(n, start + BLOCK);
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      int i = start;
      for (int bound = start + (end - start) / (2 * LANES) * (2 * LANES); i < bound;
          i += 2 * LANES) {
        long at = 4L * i;
        FloatVector x0 = FloatVector.fromMemorySegment(S, x, at, ORDER);
        FloatVector x1 = FloatVector.fromMemorySegment(S, x, at + 4L * LANES, ORDER);
        s0 = x0.fma(FloatVector.fromMemorySegment(S, m, at, ORDER), s0);
        s1 = x1.fma(FloatVector.fromMemorySegment(S, m, at + 4L * LANES, ORDER), s1);
      }
      for (int bound = start + S.loopBound(end - start); i < bound; i += LANES) {
        FloatVector x0 = FloatVector.fromMemorySegment(S, x, 4L * i, ORDER);
        s0 = x0.fma(FloatVector.fromMemorySegment(S, m, 4L * i, ORDER), s0);
      }
      float block = LaneSum.sum(s0.add(s1));
      for (; i < end; i++) {
        block = Math.fma(x.get(F, 4L * i), m.get(F, 4L * i), block);
      }
      total += block;
    }
    return total;
  }

  /** Sum of x / m over n elements. */
  static double sumOfQuotients(MemorySegment x, long xo, MemorySegment m, long mo, int n) {
    x = x.asSlice(xo, 4L * n);
    m = m.asSlice(mo, 4L * n);
    double total = 0;
    for (int start = 0; start < n; start += BLOCK) {
      int end = Math.min(n, start + BLOCK);
      FloatVector s0 = FloatVector.zero(S);
      int i = start;
      for (int bound = start + S.loopBound(end - start); i < bound; i += LANES) {
        FloatVector x0 = FloatVector.fromMemorySegment(S, x, 4L * i, ORDER);
        s0 = s0.add(x0.div(FloatVector.fromMemorySegment(S, m, 4L * i, ORDER)));
      }
      float block = LaneSum.sum(s0);
      for (; i < end; i++) {
        block += x.get(F, 4L * i) / m.get(F, 4L * i);
      }
      total += block;
    }
    return total;
  }

  /** Max of x over n >= 1 elements; NaN if any is NaN. */
  static float max(MemorySegment x, long xo, int n) {
    x = x.asSlice(xo, 4L * n);
    FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    FloatVector m1 = m0;
    int i = 0;
    for (int bound = n / (2 * LANES) * (2 * LANES); i < bound; i += 2 * LANES) {
      long at = 4L * i;
      m0 = m0.max(FloatVector.fromMemorySegment(S, x, at, ORDER));
      m1 = m1.max(FloatVector.fromMemorySegment(S, x, at + 4L * LANES, ORDER));
    }
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      m0 = m0.max(FloatVector.fromMemorySegment(S, x, 4L * i, ORDER));
    }
    float max = m0.max(m1).reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      max = Math.max(max, x.get(F, 4L * i));
    }
    return max;
  }

  /** acc[j] += x[j] for j < n. */
  static void addRow(float[] acc, MemorySegment x, long xo, int n) {
    x = x.asSlice(xo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector a = FloatVector.fromArray(S, acc, i);
      a.add(FloatVector.fromMemorySegment(S, x, 4L * i, ORDER)).intoArray(acc, i);
    }
    for (; i < n; i++) {
      acc[i] += x.get(F, 4L * i);
    }
  }

  /** acc[j] += x[j] * m[j] (or * m[0] when {@code mStride} is 0) for j < n. */
  static void addRowProducts(float[] acc, MemorySegment x, long xo, MemorySegment m, long mo,
      int mStride, int n) {
    if (mStride == 0) {
      addRowScaled(acc, x, xo, m.get(F, mo), n);
      return;
    }
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector a = FloatVector.fromArray(S, acc, i);
      FloatVector v = FloatVector.fromMemorySegment(S, x, xo + 4L * i, ORDER);
      v.fma(FloatVector.fromMemorySegment(S, m, mo + 4L * i, ORDER), a).intoArray(acc, i);
    }
    for (; i < n; i++) {
      acc[i] = Math.fma(x.get(F, xo + 4L * i), m.get(F, mo + 4L * i), acc[i]);
    }
  }

  /** acc[j] += x[j] / m[j] (or / m[0] when {@code mStride} is 0) for j < n. */
  static void addRowQuotients(float[] acc, MemorySegment x, long xo, MemorySegment m, long mo,
      int mStride, int n) {
    if (mStride == 0) {
      float divisor = m.get(F, mo);
      int i = 0;
      for (int bound = S.loopBound(n); i < bound; i += LANES) {
        FloatVector a = FloatVector.fromArray(S, acc, i);
        FloatVector v = FloatVector.fromMemorySegment(S, x, xo + 4L * i, ORDER);
        a.add(v.div(divisor)).intoArray(acc, i);
      }
      for (; i < n; i++) {
        acc[i] += x.get(F, xo + 4L * i) / divisor;
      }
      return;
    }
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector a = FloatVector.fromArray(S, acc, i);
      FloatVector v = FloatVector.fromMemorySegment(S, x, xo + 4L * i, ORDER);
      a.add(v.div(FloatVector.fromMemorySegment(S, m, mo + 4L * i, ORDER))).intoArray(acc, i);
    }
    for (; i < n; i++) {
      acc[i] += x.get(F, xo + 4L * i) / m.get(F, mo + 4L * i);
    }
  }

  private static void addRowScaled(float[] acc, MemorySegment x, long xo, float scale, int n) {
    x = x.asSlice(xo, 4L * n);
    FloatVector s = FloatVector.broadcast(S, scale);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector a = FloatVector.fromArray(S, acc, i);
      FloatVector.fromMemorySegment(S, x, 4L * i, ORDER).fma(s, a).intoArray(acc, i);
    }
    for (; i < n; i++) {
      acc[i] = Math.fma(x.get(F, 4L * i), scale, acc[i]);
    }
  }

  /** out[j] = acc[j] * scale for j < n. */
  static void storeScaled(float[] acc, int n, float scale, MemorySegment o, long oo) {
    o = o.asSlice(oo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector.fromArray(S, acc, i).mul(scale).intoMemorySegment(o, 4L * i, ORDER);
    }
    for (; i < n; i++) {
      o.set(F, 4L * i, acc[i] * scale);
    }
  }

  /** acc[j] = max(acc[j], x[j]) for j < n. */
  static void maxRow(float[] acc, MemorySegment x, long xo, int n) {
    x = x.asSlice(xo, 4L * n);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += LANES) {
      FloatVector a = FloatVector.fromArray(S, acc, i);
      a.max(FloatVector.fromMemorySegment(S, x, 4L * i, ORDER)).intoArray(acc, i);
    }
    for (; i < n; i++) {
      acc[i] = Math.max(acc[i], x.get(F, 4L * i));
    }
  }
}
