package dev.harmonics.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Lane-wise {@code e^x} for the softmax and loss kernels: the one place that chooses how.
 *
 * <p>It is a polynomial built only from add, multiply, fma, min/max and integer bit operations,
 * because those round the same way interpreted and C2-compiled (issue 5, seeded determinism). The
 * Vector API's own {@code EXP} does not: compiled, it calls the JDK's vector math stubs (SVML);
 * interpreted, a per-lane Java fallback; the two differ in the last bit for some inputs, so a
 * training run changed with the moment C2 compiled the softmax. {@code EXP} was faster inside the
 * softmax loops (0.57 against 1.24 ns per element on AVX-512 when this was first measured, because
 * C2's inlining budget left the polynomial as a call in the unrolled loops); docs/kernels.md
 * records the cost measured after the switch.
 *
 * <p>Method: Cody-Waite reduction {@code x = n ln2 + r} with {@code |r| <= ln2/2}, a degree-6
 * polynomial for {@code e^r} (the one {@link SimdActivationMath#expNonPositive} uses), and
 * {@code 2^n} applied as two normal powers of two so that overflow and subnormal results round
 * once, correctly. Under one ulp of {@code Math.exp} over every float, tested in {@code
 * SimdExpTest}.
 */
final class SimdExp {

  /** e^x is +inf above 88.73 and rounds to 0 below -103.98; clamping keeps n in range. */
  private static final float X_MAX = 89f;
  private static final float X_MIN = -104f;
  private static final float LOG2E = 1.44269504f;
  private static final FloatVector MINUS_LN2_HI =
      FloatVector.broadcast(SimdSpecies.FLOAT, -0.693359375f);
  private static final FloatVector MINUS_LN2_LO =
      FloatVector.broadcast(SimdSpecies.FLOAT, 2.12194440e-4f);
  /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
  private static final float ROUNDER = 12582912f;
  private static final int ROUNDER_BITS = 0x4B400000;
  private static final FloatVector C2 = FloatVector.broadcast(SimdSpecies.FLOAT, 4.999998808e-01f);
  private static final FloatVector C3 = FloatVector.broadcast(SimdSpecies.FLOAT, 1.666651815e-01f);
  private static final FloatVector C4 = FloatVector.broadcast(SimdSpecies.FLOAT, 4.166953266e-02f);
  private static final FloatVector C5 = FloatVector.broadcast(SimdSpecies.FLOAT, 8.368915878e-03f);
  private static final FloatVector C6 = FloatVector.broadcast(SimdSpecies.FLOAT, 1.375140739e-03f);

  private SimdExp() {}

  /** {@code e^x} in every lane; NaN gives NaN, {@code +inf} gives {@code +inf}, {@code -inf} 0. */
  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(X_MIN).min(X_MAX);
    FloatVector t = xc.fma(LOG2E, ROUNDER);
    FloatVector n = t.sub(ROUNDER);
    FloatVector r = n.fma(MINUS_LN2_HI, xc);
    r = n.fma(MINUS_LN2_LO, r);
    FloatVector p = r.fma(C6, C5).fma(r, C4).fma(r, C3).fma(r, C2);
    p = p.mul(r).fma(r, r).add(1f);
    // n is in [-150, 129]; split it so each half is a normal power of two.
    IntVector ni = t.reinterpretAsInts().sub(ROUNDER_BITS);
    IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
    FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector s2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23)
        .reinterpretAsFloats();
    return p.mul(s1).mul(s2);
  }
}
