package dev.harmonics.kernel.simd;

import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loops over one contiguous row for the loss kernels, in the style of {@link SoftmaxRows}:
 * whole vectors, then one masked vector; no vector crosses a method boundary.
 */
final class LossRows {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();
  private static final ByteOrder O = ByteOrder.nativeOrder();
  /**
   * Elements summed in float lanes before the partial sum moves into a double: long rows (a
   * 100k-word vocabulary) then lose no more precision than a 4096-element one.
   */
  private static final int BLOCK = 4096;

  private LossRows() {}

  /** {@code d = d * a + b} in place. */
  static void scaleShift(MemorySegment d, long dOff, int n, float a, float b) {
    MemorySegment dSpan = d.asSlice(dOff, 4L * n);
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vb = FloatVector.broadcast(S, b);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      fromMemorySegment(S, dSpan, at, O).fma(va, vb).intoMemorySegment(dSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      fromMemorySegment(S, d, dOff + at, O, m).fma(va, vb).intoMemorySegment(d, dOff + at, O, m);
    }
  }

  /** {@code d = d * a + t * b + c} in place. */
  static void mix(MemorySegment d, long dOff, MemorySegment t, long tOff, int n, float a, float b,
      float c) {
    MemorySegment dSpan = d.asSlice(dOff, 4L * n);
    MemorySegment tSpan = t.asSlice(tOff, 4L * n);
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vb = FloatVector.broadcast(S, b);
    FloatVector vc = FloatVector.broadcast(S, c);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector scaled = fromMemorySegment(S, dSpan, at, O).fma(va, vc);
      FloatVector r = fromMemorySegment(S, tSpan, at, O).fma(vb, scaled);
      r.intoMemorySegment(dSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector scaled = fromMemorySegment(S, d, dOff + at, O, m).fma(va, vc);
      FloatVector r = fromMemorySegment(S, t, tOff + at, O, m).fma(vb, scaled);
      r.intoMemorySegment(d, dOff + at, O, m);
    }
  }

  /**
   * {@code sums[0] = sum(t)} and {@code sums[1] = sum(t * (z - shift))}: a row's target mass and
   * its target-weighted shifted logits.
   */
  static void targetSums(MemorySegment t, long tOff, MemorySegment z, long zOff, int n,
      float shift, double[] sums) {
    sums[0] = 0;
    sums[1] = 0;
    for (int from = 0; from < n; from += BLOCK) {
      targetSumsBlock(t, tOff + 4L * from, z, zOff + 4L * from, Math.min(BLOCK, n - from), shift,
          sums);
    }
  }

  private static void targetSumsBlock(MemorySegment t, long tOff, MemorySegment z, long zOff,
      int n, float shift, double[] sums) {
    MemorySegment tSpan = t.asSlice(tOff, 4L * n);
    MemorySegment zSpan = z.asSlice(zOff, 4L * n);
    FloatVector st = FloatVector.zero(S);
    FloatVector stz = st;
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector tv = fromMemorySegment(S, tSpan, at, O);
      st = st.add(tv);
      stz = tv.fma(fromMemorySegment(S, zSpan, at, O).sub(shift), stz);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector tv = fromMemorySegment(S, t, tOff + at, O, m);
      st = st.add(tv);
      stz = stz.add(tv.mul(fromMemorySegment(S, z, zOff + at, O, m).sub(shift)), m);
    }
    sums[0] += LaneSum.sum(st);
    sums[1] += LaneSum.sum(stz);
  }

  /** {@code sum((p - t)^2)}. */
  static float squaredError(MemorySegment p, long pOff, MemorySegment t, long tOff, int n) {
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += squaredErrorBlock(p, pOff + 4L * from, t, tOff + 4L * from, Math.min(BLOCK,
          n - from));
    }
    return (float) total;
  }

  private static float squaredErrorBlock(MemorySegment p, long pOff, MemorySegment t, long tOff,
      int n) {
    MemorySegment pSpan = p.asSlice(pOff, 4L * n);
    MemorySegment tSpan = t.asSlice(tOff, 4L * n);
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      long at = 4L * i;
      long next = at + 4L * L;
      FloatVector d0 = fromMemorySegment(S, pSpan, at, O)
          .sub(fromMemorySegment(S, tSpan, at, O));
      FloatVector d1 = fromMemorySegment(S, pSpan, next, O)
          .sub(fromMemorySegment(S, tSpan, next, O));
      s0 = d0.fma(d0, s0);
      s1 = d1.fma(d1, s1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, p, pOff + at, O, m)
          .sub(fromMemorySegment(S, t, tOff + at, O, m));
      s0 = d.fma(d, s0);
    }
    return LaneSum.sum(s0.add(s1));
  }

  /** {@code d = (p - t) * scale}. */
  static void scaledDifference(MemorySegment p, long pOff, MemorySegment t, long tOff,
      MemorySegment d, long dOff, int n, float scale) {
    MemorySegment pSpan = p.asSlice(pOff, 4L * n);
    MemorySegment tSpan = t.asSlice(tOff, 4L * n);
    MemorySegment dSpan = d.asSlice(dOff, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector diff = fromMemorySegment(S, pSpan, at, O)
          .sub(fromMemorySegment(S, tSpan, at, O));
      diff.mul(scale).intoMemorySegment(dSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector diff = fromMemorySegment(S, p, pOff + at, O, m)
          .sub(fromMemorySegment(S, t, tOff + at, O, m));
      diff.mul(scale).intoMemorySegment(d, dOff + at, O, m);
    }
  }
}
