package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SimdSpecies.FLOAT;

import dev.harmonics.kernel.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Lane-wise transcendental functions in float for the activation kernels, built from FMA
 * polynomials so that they compile to straight vector code on every platform. The JDK's lanewise
 * {@code EXP} and {@code TANH} are fast only where HotSpot has a vector math library for the CPU
 * (measured by {@code VectorMathBenchmark}); elsewhere they fall back to one scalar call per lane,
 * slower than the reference kernel. They also have no erf.
 *
 * <p>Coefficients are least-squares fits in relative error on dense grids (near minimax), made
 * with {@code tools/fit_activation_polynomials.py}. Accuracy against the double definitions in
 * {@link Activation}, asserted by {@code SimdActivationMathTest} over dense sweeps and every
 * magnitude from 1e-30 to the float maximum (relative error unless the exact value is denormal):
 * <ul>
 *   <li>exp: 1e-7 (under one ulp); expm1 and sigmoid: 2e-7; tanh and softplus: 1.5e-7.
 *   <li>GELU-erf and its derivative: 4e-7 (the derivative also 2e-7 absolute, near its zero).
 *   <li>GELU-tanh and its derivative: 4e-7 + 3e-7 |2u|, u the tanh argument: in the negative tail
 *       the function is e^(2u) and the float rounding of the cubic 2u is amplified by |2u|.
 * </ul>
 * Special values: NaN in gives NaN out; infinities give the mathematical limits; exact results
 * beyond the float range give infinity, and results below the normal range come out as denormals
 * or zero.
 */
final class SimdActivationMath {

  /** Below this exp(x) is under half the smallest denormal; above, over the largest float. */
  private static final float EXP_MIN = -104f;
  private static final float EXP_MAX = 89f;
  private static final float LOG2E = 1.44269504f;
  /** ln 2 split so that {@code n * LN2_HI} is exact for every n that occurs. */
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  /** Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer (in its low bits). */
  private static final float ROUNDER = 12582912f;
  private static final int ROUNDER_BITS = 0x4B400000;

  private static final float TANH_SMALL = 0.625f;
  private static final float EXPM1_SMALL = 0.5f;
  /** Beyond this |x| the GELU-erf tail is below the smallest denormal. */
  private static final float GELU_ERF_LIMIT = 15f;
  /** Beyond this |x| the GELU-tanh derivative is exactly 0 or 1 in float. */
  private static final float GELU_TANH_LIMIT = 12f;

  private static final float INV_SQRT_2PI = 0.398942280f;
  private static final float GELU_K2 = (float) (2 * Activation.GELU_TANH_SCALE);
  private static final float GELU_K2C = (float) (2 * Activation.GELU_TANH_SCALE
      * Activation.GELU_TANH_CUBIC);
  private static final float GELU_K2C3 = 3 * GELU_K2C;

  private SimdActivationMath() {}

  /** e^x: at most about 1 ulp from the correctly rounded value in the normal range. */
  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
    FloatVector t = xc.fma(LOG2E, ROUNDER);
    FloatVector n = t.sub(ROUNDER);
    FloatVector r = n.fma(c(-LN2_HI), xc);
    r = n.fma(c(-LN2_LO), r);
    // e^r = 1 + r + r^2 P(r) on |r| <= ln2 / 2
    FloatVector p = r.fma(1.375140739e-03f, 8.368915878e-03f);
    p = p.fma(r, c(4.166953266e-02f));
    p = p.fma(r, c(1.666651815e-01f));
    p = p.fma(r, c(4.999998808e-01f));
    p = p.mul(r).fma(r, r).add(1f);
    // 2^n in two factors, so that n = 128 (just below overflow) and n down to -150 (denormal
    // results) both stay representable.
    IntVector ni = t.reinterpretAsInts().sub(ROUNDER_BITS);
    IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
    IntVector n2 = ni.sub(n1);
    return p.mul(pow2(n1)).mul(pow2(n2));
  }

  /** e^x - 1, accurate relative to its value near 0 where e^x - 1 would cancel. */
  static FloatVector expm1(FloatVector x) {
    FloatVector p = x.fma(1.984947885e-04f, 1.398883876e-03f);
    p = p.fma(x, c(8.333534934e-03f));
    p = p.fma(x, c(4.166553915e-02f));
    p = p.fma(x, c(1.666666418e-01f));
    p = p.fma(x, c(5.000000596e-01f));
    FloatVector small = p.mul(x).fma(x, x);
    FloatVector large = exp(x).sub(1f);
    return large.blend(small, x.abs().compare(VectorOperators.LT, EXPM1_SMALL));
  }

  /**
   * 1 / (1 + e^-x), as {@code 1 / (1 + e)} for x >= 0 and {@code e / (1 + e)} for x < 0 with
   * {@code e = e^-|x|} <= 1: accurate relative to its value in both tails, and never overflowing.
   */
  static FloatVector sigmoid(FloatVector x) {
    FloatVector e = exp(x.abs().neg());
    FloatVector r = c(1f).div(e.add(1f));
    return r.blend(r.mul(e), x.compare(VectorOperators.LT, 0f));
  }

  /** tanh(x): an odd polynomial near 0, 1 - 2 / (1 + e^(2|x|)) with the sign of x elsewhere. */
  static FloatVector tanh(FloatVector x) {
    FloatVector z = x.mul(x);
    FloatVector p = z.fma(-5.797827616e-03f, 2.072005719e-02f);
    p = p.fma(z, c(-5.376373976e-02f));
    p = p.fma(z, c(1.333171725e-01f));
    p = p.fma(z, c(-3.333329260e-01f));
    FloatVector small = p.mul(z).fma(x, x);
    FloatVector a = x.abs();
    FloatVector large = c(1f).sub(c(2f).div(exp(a.add(a)).add(1f)));
    large = copySign(large, x);
    return large.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
  }

  /** log(1 + e^x) = max(x, 0) + log1p(e^-|x|). */
  static FloatVector softplus(FloatVector x) {
    return x.max(0f).add(log1pUnit(exp(x.abs().neg())));
  }

  /** log(1 + w) for 0 <= w <= 1, as w times a polynomial (no division). */
  static FloatVector log1pUnit(FloatVector w) {
    FloatVector p = w.fma(-3.212735523e-03f, 1.964324899e-02f);
    p = p.fma(w, c(-5.642368272e-02f));
    p = p.fma(w, c(1.053203642e-01f));
    p = p.fma(w, c(-1.525070369e-01f));
    p = p.fma(w, c(1.965120733e-01f));
    p = p.fma(w, c(-2.494774461e-01f));
    p = p.fma(w, c(3.332909048e-01f));
    p = p.fma(w, c(-4.999985099e-01f));
    return p.mul(w).fma(w, w);
  }

  /** GELU with the exact Gaussian CDF, {@code x * Phi(x)}. */
  static FloatVector geluErf(FloatVector x) {
    FloatVector u = x.abs().min(GELU_ERF_LIMIT);
    FloatVector q = normalTail(u, gaussian(u));
    FloatVector cdf = c(1f).sub(q).blend(q, x.compare(VectorOperators.LT, 0f));
    // x * Phi(x), except that below -GELU_ERF_LIMIT the product is -0 (also for x = -inf).
    return x.max(-GELU_ERF_LIMIT).mul(cdf);
  }

  /** d/dx of {@link #geluErf}: {@code Phi(x) + x phi(x)}. */
  static FloatVector geluErfDerivative(FloatVector x) {
    FloatVector u = x.abs().min(GELU_ERF_LIMIT);
    FloatVector e = gaussian(u);
    FloatVector q = normalTail(u, e);
    FloatVector cdf = c(1f).sub(q).blend(q, x.compare(VectorOperators.LT, 0f));
    FloatVector xc = x.max(-GELU_ERF_LIMIT).min(GELU_ERF_LIMIT);
    return xc.mul(e).fma(c(INV_SQRT_2PI), cdf);
  }

  /** GELU with the tanh approximation, as {@code x * sigmoid(2u)}, u the tanh argument. */
  static FloatVector geluTanh(FloatVector x) {
    // sigmoid(2u) is 0 below x = -11, so clamping x there changes nothing but keeps -inf * 0 away.
    return x.max(-20f).mul(sigmoid(geluTanhArgument(x)));
  }

  /**
   * d/dx of {@link #geluTanh}: {@code s + x s (1 - s) 2k (1 + 3c x^2)} with {@code s =
   * sigmoid(2u)}; x is clamped to +-12, beyond which the derivative is exactly 0 or 1 in float.
   */
  static FloatVector geluTanhDerivative(FloatVector x) {
    FloatVector xc = x.max(-GELU_TANH_LIMIT).min(GELU_TANH_LIMIT);
    FloatVector v = geluTanhArgument(xc);
    FloatVector e = exp(v.abs().neg());
    FloatVector r = c(1f).div(e.add(1f));
    FloatVector s = r.blend(r.mul(e), v.compare(VectorOperators.LT, 0f));
    // s (1 - s) = e / (1 + e)^2 on both sides of 0
    FloatVector slope = e.mul(r).mul(r);
    FloatVector inner = xc.mul(xc).fma(GELU_K2C3, GELU_K2);
    return xc.mul(inner).fma(slope, s);
  }

  /** {@code 2u = 2k (x + c x^3)}, the doubled argument of tanh in the tanh form of GELU. */
  private static FloatVector geluTanhArgument(FloatVector x) {
    return x.mul(x).fma(GELU_K2C, GELU_K2).mul(x);
  }

  /**
   * {@code e^(-u^2 / 2)} for u >= 0, with u^2 split into its rounded value and rounding error
   * (exact by FMA) so that the large exponents in the tail keep full relative accuracy.
   */
  private static FloatVector gaussian(FloatVector u) {
    FloatVector hi = u.mul(u);
    FloatVector lo = u.fma(u, hi.neg());
    FloatVector e = exp(hi.mul(-0.5f));
    return e.fma(lo.mul(-0.5f), e);
  }

  /**
   * {@code Phi(-u)} for u >= 0 given {@code e = e^(-u^2/2)}: e times a rational approximation of
   * {@code Phi(-u) e^(u^2/2)} (a scaled Mills ratio), which is smooth and positive, so the tail
   * keeps its relative accuracy where 1 + erf(x) would cancel.
   */
  private static FloatVector normalTail(FloatVector u, FloatVector e) {
    FloatVector p = u.fma(4.238564521e-03f, 4.140787944e-02f);
    p = p.fma(u, c(1.854601949e-01f));
    p = p.fma(u, c(4.411834180e-01f));
    p = p.fma(u, c(0.5f));
    FloatVector q = u.fma(1.062439941e-02f, 1.037999839e-01f);
    q = q.fma(u, c(4.753663540e-01f));
    q = q.fma(u, c(1.211560011e+00f));
    q = q.fma(u, c(1.680252194e+00f));
    q = q.fma(u, c(1f));
    return e.mul(p).div(q);
  }

  /** 2^n for -126 <= n <= 127, built directly as float bits. */
  private static FloatVector pow2(IntVector n) {
    return n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
  }

  /** |magnitude| with the sign bit of {@code sign}; magnitude must be non-negative. */
  private static FloatVector copySign(FloatVector magnitude, FloatVector sign) {
    IntVector signBit = sign.reinterpretAsInts().and(0x80000000);
    return magnitude.reinterpretAsInts().or(signBit).reinterpretAsFloats();
  }

  private static FloatVector c(float value) {
    return FloatVector.broadcast(FLOAT, value);
  }

  /** Lanes where {@code x} is NaN. */
  static VectorMask<Float> isNaN(FloatVector x) {
    return x.compare(VectorOperators.NE, x);
  }
}
