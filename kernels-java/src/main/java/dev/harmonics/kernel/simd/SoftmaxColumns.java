package dev.harmonics.kernel.simd;

import static jdk.incubator.vector.FloatVector.fromArray;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax along a non-last axis without transposing. The data is {@code [outer, length, inner]};
 * for one outer index and a chunk of {@code w} consecutive inner positions, the {@code length}
 * values normalised together sit in the same column of {@code length} contiguous runs of {@code w}
 * floats, one {@code stride} (bytes) apart. Every pass walks those runs in memory order and keeps
 * one running value per column in a small array ({@code m} for maxima, {@code s} for sums), so the
 * vectors go across the columns, each column is reduced lane-wise, and there are no shuffles and
 * no strided vector loads.
 *
 * <p>Walking whole runs matters: a variant that kept one vector of columns in registers and walked
 * down the axis one vector per row was up to twice as slow once the stride spans pages (for
 * example 1000 x 3136 planes), as every load then needs a different TLB entry.
 *
 * <p>{@code at} is the byte offset of the chunk's first element in its first row.
 */
final class SoftmaxColumns {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();
  private static final ByteOrder O = ByteOrder.nativeOrder();

  private SoftmaxColumns() {}

  /** {@code m[j] = max over the axis of x[., j]}, ignoring NaN. */
  static void max(MemorySegment x, long at, long stride, int length, int w, float[] m) {
    Arrays.fill(m, 0, w, Float.NEGATIVE_INFINITY);
    for (int l = 0; l < length; l++) {
      long row = at + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        FloatVector cur = fromArray(S, m, i);
        FloatVector v = fromMemorySegment(S, x, row + 4L * i, O);
        cur.blend(v, v.compare(VectorOperators.GT, cur)).intoArray(m, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector cur = fromArray(S, m, i, k);
        FloatVector v = fromMemorySegment(S, x, row + 4L * i, O, k);
        cur.blend(v, v.compare(VectorOperators.GT, cur)).intoArray(m, i, k);
      }
    }
  }

  /**
   * Sets {@code s[j]} to the column sums of {@code exp(x - m[j])}, writing the exponentials to
   * {@code y} unless {@code y} is null.
   */
  static void expSum(MemorySegment x, long xAt, MemorySegment y, long yAt, long stride,
      int length, int w, float[] m, float[] s) {
    Arrays.fill(s, 0, w, 0f);
    for (int l = 0; l < length; l++) {
      long xr = xAt + l * stride;
      long yr = yAt + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        FloatVector v = fromMemorySegment(S, x, xr + 4L * i, O);
        FloatVector e = SimdExp.exp(v.sub(fromArray(S, m, i)));
        if (y != null) {
          e.intoMemorySegment(y, yr + 4L * i, O);
        }
        fromArray(S, s, i).add(e).intoArray(s, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector v = fromMemorySegment(S, x, xr + 4L * i, O, k);
        FloatVector e = SimdExp.exp(v.sub(fromArray(S, m, i, k)));
        if (y != null) {
          e.intoMemorySegment(y, yr + 4L * i, O, k);
        }
        fromArray(S, s, i, k).add(e).intoArray(s, i, k);
      }
    }
  }

  /** {@code y[., j] *= f[j]} in place. */
  static void scale(MemorySegment y, long at, long stride, int length, int w, float[] f) {
    for (int l = 0; l < length; l++) {
      long row = at + l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        long off = row + 4L * i;
        fromMemorySegment(S, y, off, O).mul(fromArray(S, f, i)).intoMemorySegment(y, off, O);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        long off = row + 4L * i;
        FloatVector v = fromMemorySegment(S, y, off, O, k).mul(fromArray(S, f, i, k));
        v.intoMemorySegment(y, off, O, k);
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
        FloatVector v = fromMemorySegment(S, x, xr + 4L * i, O).sub(fromArray(S, m, i));
        v.sub(fromArray(S, t, i)).intoMemorySegment(y, yr + 4L * i, O);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector v = fromMemorySegment(S, x, xr + 4L * i, O, k).sub(fromArray(S, m, i, k));
        v.sub(fromArray(S, t, i, k)).intoMemorySegment(y, yr + 4L * i, O, k);
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
        FloatVector v = fromMemorySegment(S, a, ar + 4L * i, O);
        if (b != null) {
          v = v.mul(fromMemorySegment(S, b, br + 4L * i, O));
        }
        fromArray(S, s, i).add(v).intoArray(s, i);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        FloatVector v = fromMemorySegment(S, a, ar + 4L * i, O, k);
        if (b != null) {
          v = v.mul(fromMemorySegment(S, b, br + 4L * i, O, k));
        }
        fromArray(S, s, i, k).add(v).intoArray(s, i, k);
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
      long step = l * stride;
      int i = 0;
      for (; i <= w - L; i += L) {
        long off = step + 4L * i;
        FloatVector yv = fromMemorySegment(S, y, yAt + off, O);
        FloatVector g = fromMemorySegment(S, dy, dyAt + off, O);
        FloatVector sv = fromArray(S, s, i);
        FloatVector r = log ? SimdExp.exp(yv).fma(sv.neg(), g) : g.sub(sv).mul(yv);
        r.intoMemorySegment(dx, dxAt + off, O);
      }
      if (i < w) {
        VectorMask<Float> k = S.indexInRange(i, w);
        long off = step + 4L * i;
        FloatVector yv = fromMemorySegment(S, y, yAt + off, O, k);
        FloatVector g = fromMemorySegment(S, dy, dyAt + off, O, k);
        FloatVector sv = fromArray(S, s, i, k);
        FloatVector r = log ? SimdExp.exp(yv).fma(sv.neg(), g) : g.sub(sv).mul(yv);
        r.intoMemorySegment(dx, dxAt + off, O, k);
      }
    }
  }
}
