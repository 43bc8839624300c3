package dev.harmonics.kernel.simd;

import static jdk.incubator.vector.FloatVector.fromArray;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loops over one contiguous run of floats, the building blocks of the norm kernels. A run is
 * a segment, a byte offset and a length in elements. Each loop covers whole vectors, then the rest
 * with one masked vector, so every length is handled by the same code. Sums use two accumulators,
 * which shortens the dependency chain, over blocks of {@link #BLOCK} elements whose sums are added
 * in double.
 *
 * <p>Vectors never cross a method boundary here: the loads and stores are the Vector API's own
 * (always inlined) calls, because a helper method taking or returning a vector that C2 declines to
 * inline (it does, once the helper has been compiled on its own) boxes that vector on every call.
 */
final class NormRows {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();
  private static final ByteOrder O = ByteOrder.nativeOrder();
  /**
   * Elements summed in float lanes before the partial sum moves into a double: long rows (a
   * 100k-word vocabulary) then lose no more precision than a 4096-element one. A row of one
   * block returns the block's float sum directly, the value the double would round back to; the
   * conversions and the loop took about 8 ns of a 64-element softmax or layer norm.
   */
  static final int BLOCK = 4096;

  private NormRows() {}

  /**
   * {@code sum(x - shift)}. Summing deviations from a value near the mean (the caller passes one of
   * the elements) keeps the partial sums small, so a large common offset costs no precision.
   */
  static float sumShifted(MemorySegment x, long xo, int n, float shift) {
    if (n <= BLOCK) {
      return sumShiftedBlock(x, xo, n, shift);
    }
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += sumShiftedBlock(x, xo + 4L * from, Math.min(BLOCK, n - from), shift);
    }
    return (float) total;
  }

  private static float sumShiftedBlock(MemorySegment x, long xo, int n, float shift) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      long at = 4L * i;
      a0 = a0.add(fromMemorySegment(S, xSpan, at, O).sub(shift));
      a1 = a1.add(fromMemorySegment(S, xSpan, at + 4L * L, O).sub(shift));
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      a0 = a0.add(fromMemorySegment(S, x, xo + 4L * i, O, m).sub(shift), m);
    }
    return LaneSum.sum(a0.add(a1));
  }

  /**
   * {@code sum(x - shift)} and {@code sum((x - shift)^2)} in one pass over a row of at most
   * {@link #BLOCK} elements, packed by {@link SoftmaxRows#pack} (the plain sum high). The plain sum
   * is added exactly as {@link #sumShifted} adds it, so it has the same bits.
   */
  static long sumAndSquaresShifted(MemorySegment x, long xo, int n, float shift) {
    assert n <= BLOCK;
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector q0 = a0;
    FloatVector q1 = a0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      long at = 4L * i;
      FloatVector d0 = fromMemorySegment(S, xSpan, at, O).sub(shift);
      FloatVector d1 = fromMemorySegment(S, xSpan, at + 4L * L, O).sub(shift);
      a0 = a0.add(d0);
      a1 = a1.add(d1);
      q0 = d0.fma(d0, q0);
      q1 = d1.fma(d1, q1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = fromMemorySegment(S, x, xo + 4L * i, O, m).sub(shift);
      a0 = a0.add(d, m);
      q0 = q0.add(d.mul(d), m);
    }
    return SoftmaxRows.pack(LaneSum.sum(a0.add(a1)), LaneSum.sum(q0.add(q1)));
  }

  /** {@code sum((x - mean)^2)}. */
  static float sumSquaredDeviation(MemorySegment x, long xo, int n, float mean) {
    if (n <= BLOCK) {
      return sumSquaredDeviationBlock(x, xo, n, mean);
    }
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += sumSquaredDeviationBlock(x, xo + 4L * from, Math.min(BLOCK, n - from), mean);
    }
    return (float) total;
  }

  private static float sumSquaredDeviationBlock(MemorySegment x, long xo, int n, float mean) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      long at = 4L * i;
      FloatVector d0 = fromMemorySegment(S, xSpan, at, O).sub(mean);
      FloatVector d1 = fromMemorySegment(S, xSpan, at + 4L * L, O).sub(mean);
      a0 = d0.fma(d0, a0);
      a1 = d1.fma(d1, a1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = fromMemorySegment(S, x, xo + 4L * i, O, m).sub(mean);
      a0 = a0.add(d.mul(d), m);
    }
    return LaneSum.sum(a0.add(a1));
  }

  /** {@code sum(x^2)}. */
  static float sumSquares(MemorySegment x, long xo, int n) {
    if (n <= BLOCK) {
      return sumSquaresBlock(x, xo, n);
    }
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += sumSquaresBlock(x, xo + 4L * from, Math.min(BLOCK, n - from));
    }
    return (float) total;
  }

  private static float sumSquaresBlock(MemorySegment x, long xo, int n) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      long at = 4L * i;
      FloatVector v0 = fromMemorySegment(S, xSpan, at, O);
      FloatVector v1 = fromMemorySegment(S, xSpan, at + 4L * L, O);
      a0 = v0.fma(v0, a0);
      a1 = v1.fma(v1, a1);
    }
    for (; i < n; i += L) {
      FloatVector v = fromMemorySegment(S, x, xo + 4L * i, O, S.indexInRange(i, n));
      a0 = v.fma(v, a0);
    }
    return LaneSum.sum(a0.add(a1));
  }

  /** {@code y = (x - shift) * scale + add} with scalar parameters (one batch-norm plane). */
  static void affine(MemorySegment x, long xo, MemorySegment y, long yo, int n, float shift,
      float scale, float add) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    FloatVector vs = FloatVector.broadcast(S, scale);
    FloatVector va = FloatVector.broadcast(S, add);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector r = fromMemorySegment(S, xSpan, at, O).sub(shift).fma(vs, va);
      r.intoMemorySegment(ySpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector r = fromMemorySegment(S, x, xo + at, O, m).sub(shift).fma(vs, va);
      r.intoMemorySegment(y, yo + at, O, m);
    }
  }

  /** {@code y[j] = (x[j] - shift[j]) * scale[j] + add[j]}: one row against per-column arrays. */
  static void affine(MemorySegment x, long xo, MemorySegment y, long yo, int n, float[] shift,
      float[] scale, float[] add) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, xSpan, at, O).sub(fromArray(S, shift, i));
      d.fma(fromArray(S, scale, i), fromArray(S, add, i)).intoMemorySegment(ySpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, x, xo + at, O, m).sub(fromArray(S, shift, i, m));
      d.fma(fromArray(S, scale, i, m), fromArray(S, add, i, m)).intoMemorySegment(y, yo + at, O, m);
    }
  }

  /**
   * {@code y[j] = (x[j] - mean) * rstd * gamma[j] + beta[j]}: one layer-norm row. Gamma and beta
   * are read in place ({@code go}, {@code bo} their byte offsets), not copied to arrays, so a call
   * on a small row allocates nothing.
   */
  static void normalize(MemorySegment x, long xo, MemorySegment y, long yo, int n, float mean,
      float rstd, MemorySegment gamma, long go, MemorySegment beta, long bo) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    MemorySegment gammaSpan = gamma.asSlice(go, 4L * n);
    MemorySegment betaSpan = beta.asSlice(bo, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector xhat = fromMemorySegment(S, xSpan, at, O).sub(mean).mul(rstd);
      FloatVector g = fromMemorySegment(S, gammaSpan, at, O);
      xhat.fma(g, fromMemorySegment(S, betaSpan, at, O)).intoMemorySegment(ySpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector xhat = fromMemorySegment(S, x, xo + at, O, m).sub(mean).mul(rstd);
      FloatVector g = fromMemorySegment(S, gamma, go + at, O, m);
      FloatVector r = xhat.fma(g, fromMemorySegment(S, beta, bo + at, O, m));
      r.intoMemorySegment(y, yo + at, O, m);
    }
  }

  /** {@code y[j] = x[j] * scale * gamma[j]}: one RMS-norm row, gamma read in place. */
  static void scale(MemorySegment x, long xo, MemorySegment y, long yo, int n, float scale,
      MemorySegment gamma, long go) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    MemorySegment gammaSpan = gamma.asSlice(go, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector g = fromMemorySegment(S, gammaSpan, at, O);
      FloatVector r = fromMemorySegment(S, xSpan, at, O).mul(scale).mul(g);
      r.intoMemorySegment(ySpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector g = fromMemorySegment(S, gamma, go + at, O, m);
      FloatVector r = fromMemorySegment(S, x, xo + at, O, m).mul(scale).mul(g);
      r.intoMemorySegment(y, yo + at, O, m);
    }
  }

  /** {@code acc[j] += x[j] - shift[j]}. */
  static void addDeviationRow(float[] acc, MemorySegment x, long xo, int n, float[] shift) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector d = fromMemorySegment(S, xSpan, 4L * i, O).sub(fromArray(S, shift, i));
      fromArray(S, acc, i).add(d).intoArray(acc, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = fromMemorySegment(S, x, xo + 4L * i, O, m).sub(fromArray(S, shift, i, m));
      fromArray(S, acc, i, m).add(d).intoArray(acc, i, m);
    }
  }

  /** {@code acc[j] += (x[j] - mean[j])^2}. */
  static void addSquaredDeviationRow(float[] acc, MemorySegment x, long xo, int n, float[] mean) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector d = fromMemorySegment(S, xSpan, 4L * i, O).sub(fromArray(S, mean, i));
      d.fma(d, fromArray(S, acc, i)).intoArray(acc, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = fromMemorySegment(S, x, xo + 4L * i, O, m).sub(fromArray(S, mean, i, m));
      d.fma(d, fromArray(S, acc, i, m)).intoArray(acc, i, m);
    }
  }

  /** {@code sumDy[j] += dy[j]} and {@code sumDyXc[j] += dy[j] * (x[j] - mean[j])}. */
  static void addGradientRow(float[] sumDy, float[] sumDyXc, MemorySegment dy, long dyo,
      MemorySegment x, long xo, int n, float[] mean) {
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector g = fromMemorySegment(S, dySpan, at, O);
      FloatVector d = fromMemorySegment(S, xSpan, at, O).sub(fromArray(S, mean, i));
      fromArray(S, sumDy, i).add(g).intoArray(sumDy, i);
      g.fma(d, fromArray(S, sumDyXc, i)).intoArray(sumDyXc, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector g = fromMemorySegment(S, dy, dyo + at, O, m);
      FloatVector d = fromMemorySegment(S, x, xo + at, O, m).sub(fromArray(S, mean, i, m));
      fromArray(S, sumDy, i, m).add(g).intoArray(sumDy, i, m);
      g.fma(d, fromArray(S, sumDyXc, i, m)).intoArray(sumDyXc, i, m);
    }
  }

  /**
   * {@code out[0] += sum(dy)} and {@code out[1] += sum(dy * (x - mean))} over one batch-norm plane,
   * float partial sums of at most {@link #BLOCK} elements added into the double totals.
   */
  static void gradientSums(MemorySegment dy, long dyo, MemorySegment x, long xo, int n, float mean,
      double[] out) {
    for (int from = 0; from < n; from += BLOCK) {
      gradientSumsBlock(dy, dyo + 4L * from, x, xo + 4L * from, Math.min(BLOCK, n - from), mean,
          out);
    }
  }

  private static void gradientSumsBlock(MemorySegment dy, long dyo, MemorySegment x, long xo,
      int n, float mean, double[] out) {
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector s0 = FloatVector.zero(S);
    FloatVector p0 = s0;
    FloatVector s1 = s0;
    FloatVector p1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      long at = 4L * i;
      FloatVector g0 = fromMemorySegment(S, dySpan, at, O);
      FloatVector g1 = fromMemorySegment(S, dySpan, at + 4L * L, O);
      s0 = s0.add(g0);
      s1 = s1.add(g1);
      p0 = g0.fma(fromMemorySegment(S, xSpan, at, O).sub(mean), p0);
      p1 = g1.fma(fromMemorySegment(S, xSpan, at + 4L * L, O).sub(mean), p1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector g = fromMemorySegment(S, dy, dyo + at, O, m);
      s0 = s0.add(g);
      p0 = p0.add(g.mul(fromMemorySegment(S, x, xo + at, O, m).sub(mean)), m);
    }
    out[0] += LaneSum.sum(s0.add(s1));
    out[1] += LaneSum.sum(p0.add(p1));
  }

  /** {@code dx = dy * a + (x - mean) * b + c} with scalar coefficients (one batch-norm plane). */
  static void gradientAffine(MemorySegment dy, long dyo, MemorySegment x, long xo,
      MemorySegment dx, long dxo, int n, float mean, float a, float b, float c) {
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment dxSpan = dx.asSlice(dxo, 4L * n);
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vb = FloatVector.broadcast(S, b);
    FloatVector vc = FloatVector.broadcast(S, c);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector lin = fromMemorySegment(S, dySpan, at, O).fma(va, vc);
      FloatVector r = fromMemorySegment(S, xSpan, at, O).sub(mean).fma(vb, lin);
      r.intoMemorySegment(dxSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector lin = fromMemorySegment(S, dy, dyo + at, O, m).fma(va, vc);
      FloatVector r = fromMemorySegment(S, x, xo + at, O, m).sub(mean).fma(vb, lin);
      r.intoMemorySegment(dx, dxo + at, O, m);
    }
  }

  /** {@code dx[j] = dy[j] * a[j] + (x[j] - mean[j]) * b[j] + c[j]}: one row, per-column arrays. */
  static void gradientAffine(MemorySegment dy, long dyo, MemorySegment x, long xo,
      MemorySegment dx, long dxo, int n, float[] mean, float[] a, float[] b, float[] c) {
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment dxSpan = dx.asSlice(dxo, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector lin = fromMemorySegment(S, dySpan, at, O).fma(fromArray(S, a, i),
          fromArray(S, c, i));
      FloatVector d = fromMemorySegment(S, xSpan, at, O).sub(fromArray(S, mean, i));
      d.fma(fromArray(S, b, i), lin).intoMemorySegment(dxSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector lin = fromMemorySegment(S, dy, dyo + at, O, m).fma(fromArray(S, a, i, m),
          fromArray(S, c, i, m));
      FloatVector d = fromMemorySegment(S, x, xo + at, O, m).sub(fromArray(S, mean, i, m));
      d.fma(fromArray(S, b, i, m), lin).intoMemorySegment(dx, dxo + at, O, m);
    }
  }

  /**
   * First backward pass over one layer-norm row, with {@code xhat = (x - mean) * rstd} and {@code g
   * = dy * gamma}: sets {@code sums[0] = sum(g)} and {@code sums[1] = sum(g * xhat)}, and adds
   * {@code dy * xhat} to {@code dgamma} and {@code dy} to {@code dbeta}.
   */
  static void layerNormRowSums(MemorySegment dy, long dyo, MemorySegment x, long xo, int n,
      float mean, float rstd, float[] gamma, float[] dgamma, float[] dbeta, double[] sums) {
    sums[0] = 0;
    sums[1] = 0;
    for (int from = 0; from < n; from += BLOCK) {
      layerNormRowSumsBlock(dy, dyo + 4L * from, x, xo + 4L * from, from,
          Math.min(BLOCK, n - from), mean, rstd, gamma, dgamma, dbeta, sums);
    }
  }

  /** {@link #layerNormRowSums} over elements {@code [base, base + n)}, adding into {@code sums}. */
  private static void layerNormRowSumsBlock(MemorySegment dy, long dyo, MemorySegment x, long xo,
      int base, int n, float mean, float rstd, float[] gamma, float[] dgamma, float[] dbeta,
      double[] sums) {
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector sg = FloatVector.zero(S);
    FloatVector sgx = sg;
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, dySpan, at, O);
      FloatVector xhat = fromMemorySegment(S, xSpan, at, O).sub(mean).mul(rstd);
      FloatVector g = d.mul(fromArray(S, gamma, base + i));
      sg = sg.add(g);
      sgx = g.fma(xhat, sgx);
      d.fma(xhat, fromArray(S, dgamma, base + i)).intoArray(dgamma, base + i);
      fromArray(S, dbeta, base + i).add(d).intoArray(dbeta, base + i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, dy, dyo + at, O, m);
      FloatVector xhat = fromMemorySegment(S, x, xo + at, O, m).sub(mean).mul(rstd);
      FloatVector g = d.mul(fromArray(S, gamma, base + i, m));
      sg = sg.add(g);
      sgx = sgx.add(g.mul(xhat), m);
      d.fma(xhat, fromArray(S, dgamma, base + i, m)).intoArray(dgamma, base + i, m);
      fromArray(S, dbeta, base + i, m).add(d).intoArray(dbeta, base + i, m);
    }
    sums[0] += LaneSum.sum(sg);
    sums[1] += LaneSum.sum(sgx);
  }

  /** {@code dx = (dy * gamma - meanG - xhat * meanGXhat) * rstd}: one layer-norm row. */
  static void layerNormRowGradient(MemorySegment dy, long dyo, MemorySegment x, long xo,
      MemorySegment dx, long dxo, int n, float mean, float rstd, float[] gamma, float meanG,
      float meanGXhat) {
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment dxSpan = dx.asSlice(dxo, 4L * n);
    FloatVector vmg = FloatVector.broadcast(S, -meanG);
    FloatVector vmgx = FloatVector.broadcast(S, -meanGXhat);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector xhat = fromMemorySegment(S, xSpan, at, O).sub(mean).mul(rstd);
      FloatVector g = fromMemorySegment(S, dySpan, at, O).fma(fromArray(S, gamma, i), vmg);
      xhat.fma(vmgx, g).mul(rstd).intoMemorySegment(dxSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector xhat = fromMemorySegment(S, x, xo + at, O, m).sub(mean).mul(rstd);
      FloatVector g = fromMemorySegment(S, dy, dyo + at, O, m).fma(fromArray(S, gamma, i, m), vmg);
      xhat.fma(vmgx, g).mul(rstd).intoMemorySegment(dx, dxo + at, O, m);
    }
  }

  /**
   * First backward pass over one RMS-norm row, with {@code xhat = x * rrms}: returns {@code
   * sum(dy * gamma * xhat)} and adds {@code dy * xhat} to {@code dgamma}.
   */
  static float rmsNormRowSum(MemorySegment dy, long dyo, MemorySegment x, long xo, int n,
      float rrms, float[] gamma, float[] dgamma) {
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += rmsNormRowSumBlock(dy, dyo + 4L * from, x, xo + 4L * from, from,
          Math.min(BLOCK, n - from), rrms, gamma, dgamma);
    }
    return (float) total;
  }

  /** {@link #rmsNormRowSum} over elements {@code [base, base + n)}. */
  private static float rmsNormRowSumBlock(MemorySegment dy, long dyo, MemorySegment x, long xo,
      int base, int n, float rrms, float[] gamma, float[] dgamma) {
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector sgx = FloatVector.zero(S);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, dySpan, at, O);
      FloatVector xhat = fromMemorySegment(S, xSpan, at, O).mul(rrms);
      sgx = d.mul(fromArray(S, gamma, base + i)).fma(xhat, sgx);
      d.fma(xhat, fromArray(S, dgamma, base + i)).intoArray(dgamma, base + i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, dy, dyo + at, O, m);
      FloatVector xhat = fromMemorySegment(S, x, xo + at, O, m).mul(rrms);
      sgx = sgx.add(d.mul(fromArray(S, gamma, base + i, m)).mul(xhat), m);
      d.fma(xhat, fromArray(S, dgamma, base + i, m)).intoArray(dgamma, base + i, m);
    }
    return LaneSum.sum(sgx);
  }

  /** {@code dx = (dy * gamma - xhat * meanGXhat) * rrms}: one RMS-norm row. */
  static void rmsNormRowGradient(MemorySegment dy, long dyo, MemorySegment x, long xo,
      MemorySegment dx, long dxo, int n, float rrms, float[] gamma, float meanGXhat) {
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment dxSpan = dx.asSlice(dxo, 4L * n);
    FloatVector vmgx = FloatVector.broadcast(S, -meanGXhat);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector xhat = fromMemorySegment(S, xSpan, at, O).mul(rrms);
      FloatVector g = fromMemorySegment(S, dySpan, at, O).mul(fromArray(S, gamma, i));
      xhat.fma(vmgx, g).mul(rrms).intoMemorySegment(dxSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector xhat = fromMemorySegment(S, x, xo + at, O, m).mul(rrms);
      FloatVector g = fromMemorySegment(S, dy, dyo + at, O, m).mul(fromArray(S, gamma, i, m));
      xhat.fma(vmgx, g).mul(rrms).intoMemorySegment(dx, dxo + at, O, m);
    }
  }
}
