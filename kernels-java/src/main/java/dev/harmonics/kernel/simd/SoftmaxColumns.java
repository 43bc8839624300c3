package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax along a non-last axis without transposing. The data is {@code [outer, length, inner]};
 * for one outer index and a chunk of {@code w} consecutive inner positions, the {@code length}
 * elements to normalise together sit in the same lane of {@code length} contiguous runs of {@code
 * w} floats, one {@code stride} apart. So every pass walks those runs in memory order and keeps one
 * running value per column ({@code w} of them) in a small array: vectors go across the columns and
 * each column's reduction happens lane-wise, with no shuffles and no strided loads.
 *
 * <p>{@code at} is the byte offset of the chunk's first element; {@code stride} the bytes between
 * consecutive positions along the axis.
 */
final class SoftmaxColumns {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();

  private SoftmaxColumns() {}

  /** {@code m[j] = max over the axis of x[., j]}, ignoring NaN. */
  static void max(MemorySegment x, long at, long stride, int length, int w, float[] m) {
    Arrays.fill(m, 0, w, Float.NEGATIVE_INFINITY);
    for (int l = 0; l < length; l++) {
      long row = at + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        SoftmaxRows.max(FloatVector.fromArray(S, m, i), SoftmaxRows.load(x, row, i))
            .intoArray(m, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        SoftmaxRows.max(FloatVector.fromArray(S, m, i, k), SoftmaxRows.load(x, row, i, k))
            .intoArray(m, i, k);
      }
    }
  }

  /** Writes {@code y = exp(x - m[j])} and sets {@code s[j]} to its column sums. */
  static void expStore(MemorySegment x, long xAt, MemorySegment y, long yAt, long stride,
      int length, int w, float[] m, float[] s) {
    Arrays.fill(s, 0, w, 0f);
    for (int l = 0; l < length; l++) {
      long xr = xAt + l * stride;
      long yr = yAt + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        FloatVector e = SimdExp.exp(SoftmaxRows.load(x, xr, i).sub(FloatVector.fromArray(S, m, i)));
        SoftmaxRows.store(e, y, yr, i);
        FloatVector.fromArray(S, s, i).add(e).intoArray(s, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector e =
            SimdExp.exp(SoftmaxRows.load(x, xr, i, k).sub(FloatVector.fromArray(S, m, i, k)));
        SoftmaxRows.store(e, y, yr, i, k);
        FloatVector.fromArray(S, s, i, k).add(e).intoArray(s, i, k);
      }
    }
  }

  /** Sets {@code s[j]} to the column sums of {@code exp(x - m[j])}. */
  static void expSum(MemorySegment x, long at, long stride, int length, int w, float[] m,
      float[] s) {
    Arrays.fill(s, 0, w, 0f);
    for (int l = 0; l < length; l++) {
      long row = at + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        FloatVector e =
            SimdExp.exp(SoftmaxRows.load(x, row, i).sub(FloatVector.fromArray(S, m, i)));
        FloatVector.fromArray(S, s, i).add(e).intoArray(s, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector e =
            SimdExp.exp(SoftmaxRows.load(x, row, i, k).sub(FloatVector.fromArray(S, m, i, k)));
        FloatVector.fromArray(S, s, i, k).add(e).intoArray(s, i, k);
      }
    }
  }

  /** {@code y[., j] *= f[j]} in place. */
  static void scale(MemorySegment y, long at, long stride, int length, int w, float[] f) {
    for (int l = 0; l < length; l++) {
      long row = at + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        SoftmaxRows.store(SoftmaxRows.load(y, row, i).mul(FloatVector.fromArray(S, f, i)), y, row,
            i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector v = SoftmaxRows.load(y, row, i, k).mul(FloatVector.fromArray(S, f, i, k));
        SoftmaxRows.store(v, y, row, i, k);
      }
    }
  }

  /** {@code y = (x - m[j]) - t[j]}: the last pass of log-softmax. */
  static void shiftStore(MemorySegment x, long xAt, MemorySegment y, long yAt, long stride,
      int length, int w, float[] m, float[] t) {
    for (int l = 0; l < length; l++) {
      long xr = xAt + l * stride;
      long yr = yAt + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        FloatVector v = SoftmaxRows.load(x, xr, i).sub(FloatVector.fromArray(S, m, i))
            .sub(FloatVector.fromArray(S, t, i));
        SoftmaxRows.store(v, y, yr, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector v = SoftmaxRows.load(x, xr, i, k).sub(FloatVector.fromArray(S, m, i, k))
            .sub(FloatVector.fromArray(S, t, i, k));
        SoftmaxRows.store(v, y, yr, i, k);
      }
    }
  }

  /** Sets {@code s[j]} to the column sums of {@code a * b}, or of {@code a} when b is null. */
  static void sum(MemorySegment a, long aAt, MemorySegment b, long bAt, long stride, int length,
      int w, float[] s) {
    Arrays.fill(s, 0, w, 0f);
    for (int l = 0; l < length; l++) {
      long ar = aAt + l * stride;
      long br = bAt + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        FloatVector v = SoftmaxRows.load(a, ar, i);
        if (b != null) {
          v = v.mul(SoftmaxRows.load(b, br, i));
        }
        FloatVector.fromArray(S, s, i).add(v).intoArray(s, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector v = SoftmaxRows.load(a, ar, i, k);
        if (b != null) {
          v = v.mul(SoftmaxRows.load(b, br, i, k));
        }
        FloatVector.fromArray(S, s, i, k).add(v).intoArray(s, i, k);
      }
    }
  }

  /**
   * Softmax backward, {@code dx = y * (dy - s[j])}, or with {@code log} log-softmax backward,
   * {@code dx = dy - exp(y) * s[j]}.
   */
  static void grad(MemorySegment y, long yAt, MemorySegment dy, long dyAt, MemorySegment dx,
      long dxAt, long stride, int length, int w, float[] s, boolean log) {
    for (int l = 0; l < length; l++) {
      long yr = yAt + l * stride;
      long dyr = dyAt + l * stride;
      long dxr = dxAt + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        FloatVector yv = SoftmaxRows.load(y, yr, i);
        FloatVector g = SoftmaxRows.load(dy, dyr, i);
        FloatVector sv = FloatVector.fromArray(S, s, i);
        FloatVector r = log ? SimdExp.exp(yv).fma(sv.neg(), g) : g.sub(sv).mul(yv);
        SoftmaxRows.store(r, dx, dxr, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector yv = SoftmaxRows.load(y, yr, i, k);
        FloatVector g = SoftmaxRows.load(dy, dyr, i, k);
        FloatVector sv = FloatVector.fromArray(S, s, i, k);
        FloatVector r = log ? SimdExp.exp(yv).fma(sv.neg(), g) : g.sub(sv).mul(yv);
        SoftmaxRows.store(r, dx, dxr, i, k);
      }
    }
  }
}
