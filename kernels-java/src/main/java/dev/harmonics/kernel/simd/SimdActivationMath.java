package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SimdSpecies.FLOAT;

import dev.harmonics.kernel.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Lane-wise pieces of the transcendental activations in float, built from FMA polynomials so that
 * they compile to straight vector code on every platform. The JDK's lanewise {@code EXP} and
 * {@code TANH} are fast only where HotSpot has a vector math library for the CPU (measured by
 * {@code VectorMathBenchmark}); elsewhere they fall back to one scalar call per lane, slower than
 * the reference kernel. The JDK has no vector erf.
 *
 * <p>Every function needs e^t only for t <= 0 (arranged as e^-|x|), computed by {@link
 * #expNonPositive} in a pass of its own ({@link ActivationPasses}); the other pieces finish a
 * function from x and that exponential. Keeping each piece small is what lets C2 compile every
 * pass without running into its inlining budget (see {@link ActivationPasses}).
 *
 * <p>Coefficients are least-squares fits in relative error on dense grids (near minimax), made
 * with {@code kernels-java/tools/fit_activation_polynomials.py}. Accuracy against the double
 * definitions in {@link Activation}, asserted by {@code SimdActivationMathTest} over dense sweeps
 * and every magnitude from 1e-30 to the float maximum (relative error unless the value is tiny):
 * <ul>
 *   <li>exp: 1e-7 (under one ulp); expm1 (ELU) and sigmoid: 2e-7; tanh and softplus: 1.5e-7.
 *   <li>GELU-erf and its derivative: 4e-7 (the derivative also 2e-7 absolute, near its zero).
 *   <li>GELU-tanh and its derivative: 4e-7 + 3e-7 |2u|, u the tanh argument: in the negative tail
 *       the function is e^(2u) and the float rounding of the cubic 2u is amplified by |2u|.
 * </ul>
 * Special values: NaN in gives NaN out; infinities give the mathematical limits; exp flushes
 * results below the smallest normal float to zero.
 */
final class SimdActivationMath {

  /**
   * exp(x) for x below EXP_FLUSH is (nearly) under the smallest normal float, and flushed to 0:
   * such x are replaced by EXP_MIN, whose 2^n has the bits of +0. The boundary sits a little above
   * ln(Float.MIN_NORMAL) = -87.3365 because between -87.69 and it n rounds to -126 with e^r under
   * 1, and the product comes out subnormal, which costs an x86 core a microcode assist per vector
   * (sigmoid at 7.2 ns an element there against 0.5, softplus at 32).
   */
  static final float EXP_MIN = -88f;
  static final float EXP_FLUSH = -87.33f;
  static final float LOG2E = 1.44269504f;
  /** ln 2 split so that {@code n * LN2_HI} is exact for every n that occurs. */
  static final FloatVector MINUS_LN2_HI = c(-0.693359375f);
  static final FloatVector MINUS_LN2_LO = c(2.12194440e-4f);
  /** Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer (in its low bits). */
  static final float ROUNDER = 12582912f;
  /** The bits of ROUNDER less the exponent bias: (bits(t) - this) << 23 is the float 2^n. */
  static final int ROUNDER_BITS_UNBIASED = 0x4B400000 - 127;
  static final FloatVector EXP_C2 = c(4.999998808e-01f);
  static final FloatVector EXP_C3 = c(1.666651815e-01f);
  static final FloatVector EXP_C4 = c(4.166953266e-02f);
  static final FloatVector EXP_C5 = c(8.368915878e-03f);
  static final FloatVector EXP_C6 = c(1.375140739e-03f);

  private static final float EXPM1_SMALL = 0.5f;
  private static final FloatVector EXPM1_C2 = c(5.000000596e-01f);
  private static final FloatVector EXPM1_C3 = c(1.666666418e-01f);
  private static final FloatVector EXPM1_C4 = c(4.166553915e-02f);
  private static final FloatVector EXPM1_C5 = c(8.333534934e-03f);
  private static final FloatVector EXPM1_C6 = c(1.398883876e-03f);
  private static final FloatVector EXPM1_C7 = c(1.984947885e-04f);

  private static final float TANH_SMALL_SQUARED = 0.625f * 0.625f;
  private static final FloatVector TANH_C3 = c(-3.333329260e-01f);
  private static final FloatVector TANH_C5 = c(1.333171725e-01f);
  private static final FloatVector TANH_C7 = c(-5.376373976e-02f);
  private static final FloatVector TANH_C9 = c(2.072005719e-02f);
  private static final FloatVector TANH_C11 = c(-5.797827616e-03f);

  private static final FloatVector LOG1P_C1 = c(-4.999985099e-01f);
  private static final FloatVector LOG1P_C2 = c(3.332909048e-01f);
  private static final FloatVector LOG1P_C3 = c(-2.494774461e-01f);
  private static final FloatVector LOG1P_C4 = c(1.965120733e-01f);
  private static final FloatVector LOG1P_C5 = c(-1.525070369e-01f);
  private static final FloatVector LOG1P_C6 = c(1.053203642e-01f);
  private static final FloatVector LOG1P_C7 = c(-5.642368272e-02f);
  private static final FloatVector LOG1P_C8 = c(1.964324899e-02f);
  private static final FloatVector LOG1P_C9 = c(-3.212735523e-03f);

  /** Beyond this |x| the GELU-erf tail is below the smallest normal float. */
  static final float GELU_ERF_LIMIT = 15f;
  static final FloatVector TAIL_P0 = c(0.5f);
  static final FloatVector TAIL_P1 = c(4.411834180e-01f);
  static final FloatVector TAIL_P2 = c(1.854601949e-01f);
  static final FloatVector TAIL_P3 = c(4.140787944e-02f);
  static final FloatVector TAIL_P4 = c(4.238564521e-03f);
  static final FloatVector TAIL_Q1 = c(1.680252194e+00f);
  static final FloatVector TAIL_Q2 = c(1.211560011e+00f);
  static final FloatVector TAIL_Q3 = c(4.753663540e-01f);
  static final FloatVector TAIL_Q4 = c(1.037999839e-01f);
  static final FloatVector TAIL_Q5 = c(1.062439941e-02f);
  private static final FloatVector INV_SQRT_2PI = c(0.398942280f);

  /** Beyond this |x| the GELU-tanh derivative is exactly 0 or 1 in float. */
  static final float GELU_TANH_LIMIT = 12f;
  private static final FloatVector GELU_K2 = c((float) (2 * Activation.GELU_TANH_SCALE));
  private static final FloatVector GELU_K2C =
      c((float) (2 * Activation.GELU_TANH_SCALE * Activation.GELU_TANH_CUBIC));
  private static final FloatVector GELU_K2C3 =
      c((float) (6 * Activation.GELU_TANH_SCALE * Activation.GELU_TANH_CUBIC));

  static final FloatVector ONE = c(1f);

  private SimdActivationMath() {}

  /**
   * e^x for x <= 0: under one ulp from the correctly rounded value, 0 below {@code flushBelow}
   * (EXP_FLUSH, where the result would be subnormal, or a higher bound: softmax's), e^0 = 1 for
   * positive x, NaN for NaN. The bound is a parameter rather than a second method, so that callers
   * inline one method of ours, not two (see {@link GeluErfPasses} on what a callee of ours left
   * to C2 can cost). Range reduction x = n ln2 + r,
   * |r| <= ln2/2, a degree-6 polynomial for e^r, and 2^n made directly from the bits of n.
   *
   * <p>x below the bound becomes EXP_MIN (whose result is +0) and x above 0 becomes 0, each by a
   * compare and a blend rather than {@code max} and {@code min}, which C2 compiles into several
   * instructions each to order NaN and signed zeros as {@link Math#max} does. NaN fails both
   * compares and stays NaN; a zero keeps its sign, as {@code min(x, 0)} does for -0 and +0. The
   * two blends sit at the head of every exponential's chain: on a 64-element softmax they took
   * about 6 ns of about 90.
   */
  static FloatVector expNonPositive(FloatVector x, float flushBelow) {
    FloatVector low = x.blend(EXP_MIN, x.compare(VectorOperators.LT, flushBelow));
    FloatVector xc = low.blend(0f, low.compare(VectorOperators.GT, 0f));
    FloatVector t = xc.fma(LOG2E, ROUNDER);
    FloatVector n = t.sub(ROUNDER);
    FloatVector r = n.fma(MINUS_LN2_HI, xc);
    r = n.fma(MINUS_LN2_LO, r);
    FloatVector p = r.fma(EXP_C6, EXP_C5).fma(r, EXP_C4).fma(r, EXP_C3).fma(r, EXP_C2);
    p = p.mul(r).fma(r, r).add(1f);
    // n is in [-127, 0]; n = -127 gives the bits of +0.
    IntVector scale = t.reinterpretAsInts().sub(ROUNDER_BITS_UNBIASED)
        .lanewise(VectorOperators.LSHL, 23);
    return p.mul(scale.reinterpretAsFloats());
  }

  /** -|x|, by setting the sign bit: the exponent argument of sigmoid and softplus. */
  static FloatVector negativeAbs(FloatVector x) {
    return x.reinterpretAsInts().or(0x80000000).reinterpretAsFloats();
  }

  /**
   * sigmoid(x) from {@code e = e^-|x|}: {@code 1 / (1 + e)} for x >= 0 and {@code e / (1 + e)}
   * for x < 0, accurate relative to its value in both tails and never overflowing.
   */
  static FloatVector sigmoid(FloatVector x, FloatVector e) {
    FloatVector r = ONE.div(e.add(1f));
    return r.blend(r.mul(e), x.compare(VectorOperators.LT, 0f));
  }

  /**
   * tanh(x) from {@code e = e^(-2|x|)}: an odd polynomial for |x| < 0.625, elsewhere {@code (1 -
   * e) / (1 + e)} with the sign of x.
   */
  static FloatVector tanh(FloatVector x, FloatVector e) {
    FloatVector z = x.mul(x);
    FloatVector p = z.fma(TANH_C11, TANH_C9).fma(z, TANH_C7).fma(z, TANH_C5).fma(z, TANH_C3);
    FloatVector small = p.mul(z).fma(x, x);
    FloatVector large = ONE.sub(e).div(e.add(1f));
    IntVector sign = x.reinterpretAsInts().and(0x80000000);
    large = large.reinterpretAsInts().or(sign).reinterpretAsFloats();
    return large.blend(small, z.compare(VectorOperators.LT, TANH_SMALL_SQUARED));
  }

  /** softplus(x) = max(x, 0) + log1p(e) from {@code e = e^-|x|} in [0, 1]. */
  static FloatVector softplus(FloatVector x, FloatVector e) {
    FloatVector p = e.fma(LOG1P_C9, LOG1P_C8).fma(e, LOG1P_C7).fma(e, LOG1P_C6).fma(e, LOG1P_C5)
        .fma(e, LOG1P_C4).fma(e, LOG1P_C3).fma(e, LOG1P_C2).fma(e, LOG1P_C1);
    return p.mul(e).fma(e, e).add(x.max(0f));
  }

  /**
   * e^x - 1 for x <= 0 from {@code e = e^x}: a polynomial for x > -0.5, where {@code e - 1} would
   * cancel, and {@code e - 1} below. Positive x (which ELU does not use) give a finite value.
   */
  static FloatVector expm1(FloatVector x, FloatVector e) {
    FloatVector p = x.fma(EXPM1_C7, EXPM1_C6).fma(x, EXPM1_C5).fma(x, EXPM1_C4).fma(x, EXPM1_C3)
        .fma(x, EXPM1_C2);
    FloatVector small = p.mul(x).fma(x, x);
    return e.sub(1f).blend(small, x.compare(VectorOperators.GT, -EXPM1_SMALL));
  }

  /**
   * {@code 2u = 2k (x + c x^3)}, twice the argument of tanh in the tanh form of GELU; GELU-tanh is
   * {@code x * sigmoid(2u)}.
   */
  static FloatVector geluTanhArgument(FloatVector x) {
    return x.mul(x).fma(GELU_K2C, GELU_K2).mul(x);
  }

  /**
   * GELU-tanh's derivative from the clamped {@code xc} (|x| <= {@link #GELU_TANH_LIMIT}) and
   * {@code e = e^-|2u|}: {@code s + xc s (1 - s) 2k (1 + 3c xc^2)}, s = sigmoid(2u), with {@code s
   * (1 - s) = e / (1 + e)^2} on both sides of 0.
   */
  static FloatVector geluTanhDerivative(FloatVector xc, FloatVector e) {
    FloatVector r = ONE.div(e.add(1f));
    FloatVector s = r.blend(r.mul(e), geluTanhArgument(xc).compare(VectorOperators.LT, 0f));
    FloatVector slope = e.mul(r).mul(r);
    FloatVector inner = xc.mul(xc).fma(GELU_K2C3, GELU_K2);
    return xc.mul(inner).fma(slope, s);
  }

  /**
   * {@code e^(-u^2 / 2)} from {@code e = e^(-round(u^2) / 2)}: times {@code 1 - lo / 2}, lo the
   * rounding error of u^2 (exact by FMA), so the tail keeps full relative accuracy.
   */
  static FloatVector gaussianCorrection(FloatVector u, FloatVector e) {
    FloatVector lo = u.fma(u, u.mul(u).neg());
    return e.fma(lo.mul(-0.5f), e);
  }

  /**
   * {@code Phi(-u)} for 0 <= u <= {@link #GELU_ERF_LIMIT} given {@code g = e^(-u^2/2)}: g times a
   * rational approximation of {@code Phi(-u) e^(u^2/2)} (a scaled Mills ratio), smooth and
   * positive, so the tail keeps its relative accuracy where 1 + erf(x) would cancel.
   */
  static FloatVector normalTail(FloatVector u, FloatVector g) {
    FloatVector p = u.fma(TAIL_P4, TAIL_P3).fma(u, TAIL_P2).fma(u, TAIL_P1).fma(u, TAIL_P0);
    FloatVector q = u.fma(TAIL_Q5, TAIL_Q4).fma(u, TAIL_Q3).fma(u, TAIL_Q2).fma(u, TAIL_Q1)
        .fma(u, ONE);
    return g.mul(p).div(q);
  }

  /** Phi(x) given {@code tail = Phi(-|x|)}. */
  static FloatVector normalCdf(FloatVector x, FloatVector tail) {
    return ONE.sub(tail).blend(tail, x.compare(VectorOperators.LT, 0f));
  }

  /** phi(x) given {@code g = e^(-x^2/2)}. */
  static FloatVector normalDensity(FloatVector g) {
    return g.mul(INV_SQRT_2PI);
  }

  /** Lanes where {@code x} is NaN. */
  static VectorMask<Float> isNaN(FloatVector x) {
    return x.compare(VectorOperators.NE, x);
  }

  private static FloatVector c(float value) {
    return FloatVector.broadcast(FLOAT, value);
  }
}
