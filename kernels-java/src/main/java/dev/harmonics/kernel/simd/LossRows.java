package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loops over one contiguous row for the loss kernels, in the style of {@link SoftmaxRows}:
 * whole vectors, then one masked vector.
 */
final class LossRows {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();

  private LossRows() {}

  /** {@code d = d * a + b} in place. */
  static void scaleShift(MemorySegment d, long dOff, int n, float a, float b) {
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vb = FloatVector.broadcast(S, b);
    int i = 0;
    for (; i <= n - L; i += L) {
      SoftmaxRows.store(SoftmaxRows.load(d, dOff, i).fma(va, vb), d, dOff, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      SoftmaxRows.store(SoftmaxRows.load(d, dOff, i, m).fma(va, vb), d, dOff, i, m);
    }
  }

  /** {@code d = d * a + t * b + c} in place. */
  static void mix(MemorySegment d, long dOff, MemorySegment t, long tOff, int n, float a, float b,
      float c) {
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vb = FloatVector.broadcast(S, b);
    FloatVector vc = FloatVector.broadcast(S, c);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector r = SoftmaxRows.load(t, tOff, i).fma(vb, SoftmaxRows.load(d, dOff, i).fma(va, vc));
      SoftmaxRows.store(r, d, dOff, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector r =
          SoftmaxRows.load(t, tOff, i, m).fma(vb, SoftmaxRows.load(d, dOff, i, m).fma(va, vc));
      SoftmaxRows.store(r, d, dOff, i, m);
    }
  }

  /**
   * {@code sums[0] = sum(t)} and {@code sums[1] = sum(t * (z - shift))}: a row's target mass and
   * its target-weighted shifted logits.
   */
  static void targetSums(MemorySegment t, long tOff, MemorySegment z, long zOff, int n,
      float shift, float[] sums) {
    FloatVector st = FloatVector.zero(S);
    FloatVector stz = st;
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector tv = SoftmaxRows.load(t, tOff, i);
      st = st.add(tv);
      stz = tv.fma(SoftmaxRows.load(z, zOff, i).sub(shift), stz);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector tv = SoftmaxRows.load(t, tOff, i, m);
      st = st.add(tv);
      stz = stz.add(tv.mul(SoftmaxRows.load(z, zOff, i, m).sub(shift)), m);
    }
    sums[0] = st.reduceLanes(VectorOperators.ADD);
    sums[1] = stz.reduceLanes(VectorOperators.ADD);
  }

  /** {@code sum((p - t)^2)}. */
  static float squaredError(MemorySegment p, long pOff, MemorySegment t, long tOff, int n) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      FloatVector d0 = SoftmaxRows.load(p, pOff, i).sub(SoftmaxRows.load(t, tOff, i));
      FloatVector d1 = SoftmaxRows.load(p, pOff, i + L).sub(SoftmaxRows.load(t, tOff, i + L));
      s0 = d0.fma(d0, s0);
      s1 = d1.fma(d1, s1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = SoftmaxRows.load(p, pOff, i, m).sub(SoftmaxRows.load(t, tOff, i, m));
      s0 = d.fma(d, s0);
    }
    return s0.add(s1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code d = (p - t) * scale}. */
  static void scaledDifference(MemorySegment p, long pOff, MemorySegment t, long tOff,
      MemorySegment d, long dOff, int n, float scale) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector r = SoftmaxRows.load(p, pOff, i).sub(SoftmaxRows.load(t, tOff, i)).mul(scale);
      SoftmaxRows.store(r, d, dOff, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector r =
          SoftmaxRows.load(p, pOff, i, m).sub(SoftmaxRows.load(t, tOff, i, m)).mul(scale);
      SoftmaxRows.store(r, d, dOff, i, m);
    }
  }
}
