package dev.harmonics.kernel.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loops over one contiguous run of floats, the building blocks of the norm kernels. A run is
 * a segment, a byte offset and a length in elements. Each loop covers whole vectors, then the rest
 * with one masked vector, so every length is handled by the same code. Sums use two accumulators,
 * which both shortens the dependency chain and halves the rounding error's growth.
 */
final class NormRows {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private NormRows() {}

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

  /**
   * {@code sum(x - shift)}. Summing deviations from a value near the mean (the caller passes one of
   * the elements) keeps the partial sums small, so a large common offset costs no precision.
   */
  static float sumShifted(MemorySegment x, long xo, int n, float shift) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      a0 = a0.add(load(x, xo, i).sub(shift));
      a1 = a1.add(load(x, xo, i + L).sub(shift));
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      a0 = a0.add(load(x, xo, i, m).sub(shift), m);
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code sum((x - mean)^2)}. */
  static float sumSquaredDeviation(MemorySegment x, long xo, int n, float mean) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      FloatVector d0 = load(x, xo, i).sub(mean);
      FloatVector d1 = load(x, xo, i + L).sub(mean);
      a0 = d0.fma(d0, a0);
      a1 = d1.fma(d1, a1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = load(x, xo, i, m).sub(mean);
      a0 = a0.add(d.mul(d), m);
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code sum(x^2)}. */
  static float sumSquares(MemorySegment x, long xo, int n) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      FloatVector v0 = load(x, xo, i);
      FloatVector v1 = load(x, xo, i + L);
      a0 = v0.fma(v0, a0);
      a1 = v1.fma(v1, a1);
    }
    for (; i < n; i += L) {
      FloatVector v = load(x, xo, i, S.indexInRange(i, n));
      a0 = v.fma(v, a0);
    }
    return a0.add(a1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code y = (x - shift) * scale + add} with scalar parameters (one batch-norm plane). */
  static void affine(MemorySegment x, long xo, MemorySegment y, long yo, int n, float shift,
      float scale, float add) {
    FloatVector vs = FloatVector.broadcast(S, scale);
    FloatVector va = FloatVector.broadcast(S, add);
    int i = 0;
    for (; i <= n - L; i += L) {
      store(load(x, xo, i).sub(shift).fma(vs, va), y, yo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      store(load(x, xo, i, m).sub(shift).fma(vs, va), y, yo, i, m);
    }
  }

  /** {@code y[j] = (x[j] - shift[j]) * scale[j] + add[j]}: one row against per-column arrays. */
  static void affine(MemorySegment x, long xo, MemorySegment y, long yo, int n, float[] shift,
      float[] scale, float[] add) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector v = load(x, xo, i).sub(FloatVector.fromArray(S, shift, i));
      store(v.fma(FloatVector.fromArray(S, scale, i), FloatVector.fromArray(S, add, i)), y, yo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector v = load(x, xo, i, m).sub(FloatVector.fromArray(S, shift, i, m));
      FloatVector r =
          v.fma(FloatVector.fromArray(S, scale, i, m), FloatVector.fromArray(S, add, i, m));
      store(r, y, yo, i, m);
    }
  }

  /** {@code y[j] = (x[j] - mean) * rstd * gamma[j] + beta[j]}: one layer-norm row. */
  static void normalize(MemorySegment x, long xo, MemorySegment y, long yo, int n, float mean,
      float rstd, float[] gamma, float[] beta) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector xhat = load(x, xo, i).sub(mean).mul(rstd);
      FloatVector r =
          xhat.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i));
      store(r, y, yo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector xhat = load(x, xo, i, m).sub(mean).mul(rstd);
      FloatVector r =
          xhat.fma(FloatVector.fromArray(S, gamma, i, m), FloatVector.fromArray(S, beta, i, m));
      store(r, y, yo, i, m);
    }
  }

  /** {@code y[j] = x[j] * scale * gamma[j]}: one RMS-norm row. */
  static void scale(MemorySegment x, long xo, MemorySegment y, long yo, int n, float scale,
      float[] gamma) {
    int i = 0;
    for (; i <= n - L; i += L) {
      store(load(x, xo, i).mul(scale).mul(FloatVector.fromArray(S, gamma, i)), y, yo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector r = load(x, xo, i, m).mul(scale).mul(FloatVector.fromArray(S, gamma, i, m));
      store(r, y, yo, i, m);
    }
  }

  /** {@code acc[j] += x[j] - shift[j]}. */
  static void addDeviationRow(float[] acc, MemorySegment x, long xo, int n, float[] shift) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector d = load(x, xo, i).sub(FloatVector.fromArray(S, shift, i));
      FloatVector.fromArray(S, acc, i).add(d).intoArray(acc, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = load(x, xo, i, m).sub(FloatVector.fromArray(S, shift, i, m));
      FloatVector.fromArray(S, acc, i, m).add(d).intoArray(acc, i, m);
    }
  }

  /** {@code acc[j] += (x[j] - mean[j])^2}. */
  static void addSquaredDeviationRow(float[] acc, MemorySegment x, long xo, int n, float[] mean) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector d = load(x, xo, i).sub(FloatVector.fromArray(S, mean, i));
      d.fma(d, FloatVector.fromArray(S, acc, i)).intoArray(acc, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = load(x, xo, i, m).sub(FloatVector.fromArray(S, mean, i, m));
      d.fma(d, FloatVector.fromArray(S, acc, i, m)).intoArray(acc, i, m);
    }
  }

  /** {@code sumDy[j] += dy[j]} and {@code sumDyXc[j] += dy[j] * (x[j] - mean[j])}. */
  static void addGradientRow(float[] sumDy, float[] sumDyXc, MemorySegment dy, long dyo,
      MemorySegment x, long xo, int n, float[] mean) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector g = load(dy, dyo, i);
      FloatVector d = load(x, xo, i).sub(FloatVector.fromArray(S, mean, i));
      FloatVector.fromArray(S, sumDy, i).add(g).intoArray(sumDy, i);
      g.fma(d, FloatVector.fromArray(S, sumDyXc, i)).intoArray(sumDyXc, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector g = load(dy, dyo, i, m);
      FloatVector d = load(x, xo, i, m).sub(FloatVector.fromArray(S, mean, i, m));
      FloatVector.fromArray(S, sumDy, i, m).add(g).intoArray(sumDy, i, m);
      g.fma(d, FloatVector.fromArray(S, sumDyXc, i, m)).intoArray(sumDyXc, i, m);
    }
  }

  /**
   * {@code out[0] += sum(dy)} and {@code out[1] += sum(dy * (x - mean))} over one batch-norm plane,
   * each plane's float partial sums added into double totals.
   */
  static void gradientSums(MemorySegment dy, long dyo, MemorySegment x, long xo, int n, float mean,
      double[] out) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector p0 = s0;
    FloatVector s1 = s0;
    FloatVector p1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      FloatVector g0 = load(dy, dyo, i);
      FloatVector g1 = load(dy, dyo, i + L);
      s0 = s0.add(g0);
      s1 = s1.add(g1);
      p0 = g0.fma(load(x, xo, i).sub(mean), p0);
      p1 = g1.fma(load(x, xo, i + L).sub(mean), p1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector g = load(dy, dyo, i, m);
      s0 = s0.add(g);
      p0 = p0.add(g.mul(load(x, xo, i, m).sub(mean)), m);
    }
    out[0] += s0.add(s1).reduceLanes(VectorOperators.ADD);
    out[1] += p0.add(p1).reduceLanes(VectorOperators.ADD);
  }

  /** {@code dx = dy * a + (x - mean) * b + c} with scalar coefficients (one batch-norm plane). */
  static void gradientAffine(MemorySegment dy, long dyo, MemorySegment x, long xo,
      MemorySegment dx, long dxo, int n, float mean, float a, float b, float c) {
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vb = FloatVector.broadcast(S, b);
    FloatVector vc = FloatVector.broadcast(S, c);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector r = load(x, xo, i).sub(mean).fma(vb, load(dy, dyo, i).fma(va, vc));
      store(r, dx, dxo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector r = load(x, xo, i, m).sub(mean).fma(vb, load(dy, dyo, i, m).fma(va, vc));
      store(r, dx, dxo, i, m);
    }
  }

  /** {@code dx[j] = dy[j] * a[j] + (x[j] - mean[j]) * b[j] + c[j]}: one row, per-column arrays. */
  static void gradientAffine(MemorySegment dy, long dyo, MemorySegment x, long xo,
      MemorySegment dx, long dxo, int n, float[] mean, float[] a, float[] b, float[] c) {
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector lin = load(dy, dyo, i)
          .fma(FloatVector.fromArray(S, a, i), FloatVector.fromArray(S, c, i));
      FloatVector d = load(x, xo, i).sub(FloatVector.fromArray(S, mean, i));
      store(d.fma(FloatVector.fromArray(S, b, i), lin), dx, dxo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector lin = load(dy, dyo, i, m)
          .fma(FloatVector.fromArray(S, a, i, m), FloatVector.fromArray(S, c, i, m));
      FloatVector d = load(x, xo, i, m).sub(FloatVector.fromArray(S, mean, i, m));
      store(d.fma(FloatVector.fromArray(S, b, i, m), lin), dx, dxo, i, m);
    }
  }

  /**
   * First backward pass over one layer-norm row, with {@code xhat = (x - mean) * rstd} and {@code g
   * = dy * gamma}: returns {@code sum(g)} in {@code sums[0]} and {@code sum(g * xhat)} in {@code
   * sums[1]}, and adds {@code dy * xhat} to {@code dgamma} and {@code dy} to {@code dbeta}.
   */
  static void layerNormRowSums(MemorySegment dy, long dyo, MemorySegment x, long xo, int n,
      float mean, float rstd, float[] gamma, float[] dgamma, float[] dbeta, float[] sums) {
    FloatVector sg = FloatVector.zero(S);
    FloatVector sgx = sg;
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector d = load(dy, dyo, i);
      FloatVector xhat = load(x, xo, i).sub(mean).mul(rstd);
      FloatVector g = d.mul(FloatVector.fromArray(S, gamma, i));
      sg = sg.add(g);
      sgx = g.fma(xhat, sgx);
      d.fma(xhat, FloatVector.fromArray(S, dgamma, i)).intoArray(dgamma, i);
      FloatVector.fromArray(S, dbeta, i).add(d).intoArray(dbeta, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = load(dy, dyo, i, m);
      FloatVector xhat = load(x, xo, i, m).sub(mean).mul(rstd);
      FloatVector g = d.mul(FloatVector.fromArray(S, gamma, i, m));
      sg = sg.add(g);
      sgx = sgx.add(g.mul(xhat), m);
      d.fma(xhat, FloatVector.fromArray(S, dgamma, i, m)).intoArray(dgamma, i, m);
      FloatVector.fromArray(S, dbeta, i, m).add(d).intoArray(dbeta, i, m);
    }
    sums[0] = sg.reduceLanes(VectorOperators.ADD);
    sums[1] = sgx.reduceLanes(VectorOperators.ADD);
  }

  /** {@code dx = (dy * gamma - meanG - xhat * meanGXhat) * rstd}: one layer-norm row. */
  static void layerNormRowGradient(MemorySegment dy, long dyo, MemorySegment x, long xo,
      MemorySegment dx, long dxo, int n, float mean, float rstd, float[] gamma, float meanG,
      float meanGXhat) {
    FloatVector vmg = FloatVector.broadcast(S, -meanG);
    FloatVector vmgx = FloatVector.broadcast(S, -meanGXhat);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector xhat = load(x, xo, i).sub(mean).mul(rstd);
      FloatVector g = load(dy, dyo, i).fma(FloatVector.fromArray(S, gamma, i), vmg);
      store(xhat.fma(vmgx, g).mul(rstd), dx, dxo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector xhat = load(x, xo, i, m).sub(mean).mul(rstd);
      FloatVector g = load(dy, dyo, i, m).fma(FloatVector.fromArray(S, gamma, i, m), vmg);
      store(xhat.fma(vmgx, g).mul(rstd), dx, dxo, i, m);
    }
  }

  /**
   * First backward pass over one RMS-norm row, with {@code xhat = x * rrms}: returns {@code
   * sum(dy * gamma * xhat)} and adds {@code dy * xhat} to {@code dgamma}.
   */
  static float rmsNormRowSum(MemorySegment dy, long dyo, MemorySegment x, long xo, int n,
      float rrms, float[] gamma, float[] dgamma) {
    FloatVector sgx = FloatVector.zero(S);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector d = load(dy, dyo, i);
      FloatVector xhat = load(x, xo, i).mul(rrms);
      sgx = d.mul(FloatVector.fromArray(S, gamma, i)).fma(xhat, sgx);
      d.fma(xhat, FloatVector.fromArray(S, dgamma, i)).intoArray(dgamma, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = load(dy, dyo, i, m);
      FloatVector xhat = load(x, xo, i, m).mul(rrms);
      sgx = sgx.add(d.mul(FloatVector.fromArray(S, gamma, i, m)).mul(xhat), m);
      d.fma(xhat, FloatVector.fromArray(S, dgamma, i, m)).intoArray(dgamma, i, m);
    }
    return sgx.reduceLanes(VectorOperators.ADD);
  }

  /** {@code dx = (dy * gamma - xhat * meanGXhat) * rrms}: one RMS-norm row. */
  static void rmsNormRowGradient(MemorySegment dy, long dyo, MemorySegment x, long xo,
      MemorySegment dx, long dxo, int n, float rrms, float[] gamma, float meanGXhat) {
    FloatVector vmgx = FloatVector.broadcast(S, -meanGXhat);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector xhat = load(x, xo, i).mul(rrms);
      FloatVector g = load(dy, dyo, i).mul(FloatVector.fromArray(S, gamma, i));
      store(xhat.fma(vmgx, g).mul(rrms), dx, dxo, i);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector xhat = load(x, xo, i, m).mul(rrms);
      FloatVector g = load(dy, dyo, i, m).mul(FloatVector.fromArray(S, gamma, i, m));
      store(xhat.fma(vmgx, g).mul(rrms), dx, dxo, i, m);
    }
  }
}
