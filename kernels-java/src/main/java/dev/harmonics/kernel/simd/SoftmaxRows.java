package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loops over one contiguous row (segment, byte offset, length in elements) for softmax and
 * the losses built on it. Whole vectors first, then one masked vector for the rest.
 *
 * <p>The maximum is taken with compare-and-blend, which skips NaN instead of propagating it; that
 * is enough, because a NaN then turns {@code exp(x - max)} and the sum into NaN, which makes the
 * whole row NaN as documented, and it is cheaper than the NaN-propagating lane-wise max.
 */
final class SoftmaxRows {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private SoftmaxRows() {}

  static FloatVector load(MemorySegment m, long off, int i) {
    return FloatVector.fromMemorySegment(S, m, off + 4L * i, ORDER);
  }

  static FloatVector load(MemorySegment m, long off, int i, VectorMask<Float> mask) {
    return FloatVector.fromMemorySegment(S, m, off + 4L * i, ORDER, mask);
  }

  static void store(FloatVector v, MemorySegment m, long off, int i) {
    v.intoMemorySegment(m, off + 4L * i, ORDER);
  }

  static void store(FloatVector v, MemorySegment m, long off, int i, VectorMask<Float> mask) {
    v.intoMemorySegment(m, off + 4L * i, ORDER, mask);
  }

  /** The larger of {@code a} and {@code b} per lane, keeping {@code a} where {@code b} is NaN. */
  static FloatVector max(FloatVector a, FloatVector b) {
    return a.blend(b, b.compare(VectorOperators.GT, a));
  }

  /** {@code max(x)} ignoring NaN; {@code -inf} for a row of NaN or {@code -inf}. */
  static float max(MemorySegment x, long xo, int n) {
    FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    FloatVector m1 = m0;
    FloatVector m2 = m0;
    FloatVector m3 = m0;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      m0 = max(m0, load(x, xo, i));
      m1 = max(m1, load(x, xo, i + L));
      m2 = max(m2, load(x, xo, i + 2 * L));
      m3 = max(m3, load(x, xo, i + 3 * L));
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector v = load(x, xo, i, m);
      m0 = m0.blend(v, v.compare(VectorOperators.GT, m0).and(m));
    }
    return max(max(m0, m1), max(m2, m3)).reduceLanes(VectorOperators.MAX);
  }

  /** Writes {@code y = exp(x - shift)} and returns {@code sum(y)}. */
  static float expStore(MemorySegment x, long xo, MemorySegment y, long yo, int n, float shift) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      FloatVector e0 = SimdExp.exp(load(x, xo, i).sub(shift));
      FloatVector e1 = SimdExp.exp(load(x, xo, i + L).sub(shift));
      store(e0, y, yo, i);
      store(e1, y, yo, i + L);
      s0 = s0.add(e0);
      s1 = s1.add(e1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector e = SimdExp.exp(load(x, xo, i, m).sub(shift));
      store(e, y, yo, i, m);
      s0 = s0.add(e, m);
    }
    return s0.add(s1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code sum(exp(x - shift))}. */
  static float expSum(MemorySegment x, long xo, int n, float shift) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      s0 = s0.add(SimdExp.exp(load(x, xo, i).sub(shift)));
      s1 = s1.add(SimdExp.exp(load(x, xo, i + L).sub(shift)));
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      s0 = s0.add(SimdExp.exp(load(x, xo, i, m).sub(shift)), m);
    }
    return s0.add(s1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code y *= factor} in place. */
  static void scale(MemorySegment y, long yo, int n, float factor) {
    int i = 0;
    for (; i <= n - L; i += L) {
      store(load(y, yo, i).mul(factor), y, yo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      store(load(y, yo, i, m).mul(factor), y, yo, i, m);
    }
  }

  /** {@code y = (x - shift) - offset}: the last pass of log-softmax. */
  static void shiftStore(MemorySegment x, long xo, MemorySegment y, long yo, int n, float shift,
      float offset) {
    int i = 0;
    for (; i <= n - L; i += L) {
      store(load(x, xo, i).sub(shift).sub(offset), y, yo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      store(load(x, xo, i, m).sub(shift).sub(offset), y, yo, i, m);
    }
  }

  /** {@code sum(a)}. */
  static float sum(MemorySegment a, long ao, int n) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      s0 = s0.add(load(a, ao, i));
      s1 = s1.add(load(a, ao, i + L));
    }
    for (; i < n; i += L) {
      s0 = s0.add(load(a, ao, i, S.indexInRange(i, n)));
    }
    return s0.add(s1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code sum(a * b)}. */
  static float dot(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      s0 = load(a, ao, i).fma(load(b, bo, i), s0);
      s1 = load(a, ao, i + L).fma(load(b, bo, i + L), s1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      s0 = s0.add(load(a, ao, i, m).mul(load(b, bo, i, m)), m);
    }
    return s0.add(s1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code dx = y * (dy - dot)}: softmax backward. */
  static void softmaxGrad(MemorySegment y, long yo, MemorySegment dy, long dyo, MemorySegment dx,
      long dxo, int n, float dot) {
    int i = 0;
    for (; i <= n - L; i += L) {
      store(load(dy, dyo, i).sub(dot).mul(load(y, yo, i)), dx, dxo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      store(load(dy, dyo, i, m).sub(dot).mul(load(y, yo, i, m)), dx, dxo, i, m);
    }
  }

  /** {@code dx = dy - exp(y) * sum}: log-softmax backward. */
  static void logSoftmaxGrad(MemorySegment y, long yo, MemorySegment dy, long dyo,
      MemorySegment dx, long dxo, int n, float sum) {
    FloatVector neg = FloatVector.broadcast(S, -sum);
    int i = 0;
    for (; i <= n - L; i += L) {
      store(SimdExp.exp(load(y, yo, i)).fma(neg, load(dy, dyo, i)), dx, dxo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      store(SimdExp.exp(load(y, yo, i, m)).fma(neg, load(dy, dyo, i, m)), dx, dxo, i, m);
    }
  }
}
