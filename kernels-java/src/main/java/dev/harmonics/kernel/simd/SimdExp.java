package dev.harmonics.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise {@code e^x} for float vectors, inlined into the calling loop.
 *
 * <p>{@code VectorOperators.EXP} is an out-of-line call into a vendor math library on the JDKs that
 * have one, which forces the caller's live vectors to be spilled around it, and it falls back to
 * per-lane scalar code where there is none; the measurements are in {@code docs/simd-exp.md}. This
 * version is a few fused multiply-adds the JIT schedules together with the surrounding loop.
 *
 * <p>Method: {@code x = n ln2 + r} with integer {@code n} and {@code |r| <= ln2 / 2}, then {@code
 * e^x = 2^n e^r}. {@code e^r} is a degree-6 polynomial whose coefficients were fitted (minimax on
 * relative error, then rounded to float) for this class; its own error is below 6e-9 relative, so
 * the result is within about 2 ulp of {@code Math.exp} for every float, including subnormal
 * results. {@code 2^n} is applied as two power-of-two factors so that results near the overflow
 * and underflow thresholds are rounded once, correctly. {@code NaN} gives {@code NaN}, {@code +inf}
 * gives {@code +inf}, {@code -inf} gives {@code 0}.
 */
final class SimdExp {

  /** Slightly above ln(Float.MAX_VALUE): anything larger overflows to infinity anyway. */
  private static final float CLAMP_HI = 89f;
  /** Slightly below ln(Float.MIN_VALUE / 2): anything smaller rounds to zero anyway. */
  private static final float CLAMP_LO = -104f;

  private static final float LOG2E = 1.44269502f;
  /** ln 2 rounded to float; with a fused multiply-add {@code x - n * LN2_HI} is exact. */
  private static final float LN2_HI = 0x1.62e43p-1f;
  private static final float LN2_LO = -1.90465421e-9f;
  /** 1.5 * 2^23: adding it rounds to an integer and leaves that integer in the low mantissa bits. */
  private static final float ROUNDER = 0x1.8p23f;
  private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

  private static final float C2 = 0.49999994f;
  private static final float C3 = 0.16666509f;
  private static final float C4 = 0.041668527f;
  private static final float C5 = 0.008370135f;
  private static final float C6 = 0.0013811671f;

  private SimdExp() {}

  /** {@code e^x} in every lane. */
  static FloatVector exp(FloatVector x) {
    // compare-and-blend rather than max/min: NaN compares false and so passes through untouched.
    FloatVector xc = x.blend(CLAMP_LO, x.compare(VectorOperators.LT, CLAMP_LO));
    xc = xc.blend(CLAMP_HI, xc.compare(VectorOperators.GT, CLAMP_HI));
    FloatVector t = xc.fma(LOG2E, ROUNDER);
    FloatVector n = t.sub(ROUNDER);
    VectorSpecies<Float> species = x.species();
    FloatVector r = n.fma(FloatVector.broadcast(species, -LN2_HI), xc);
    r = n.fma(FloatVector.broadcast(species, -LN2_LO), r);
    FloatVector one = FloatVector.broadcast(species, 1f);
    FloatVector p = r.fma(C6, C5);
    p = p.fma(r, FloatVector.broadcast(species, C4));
    p = p.fma(r, FloatVector.broadcast(species, C3));
    p = p.fma(r, FloatVector.broadcast(species, C2));
    p = p.fma(r, one);
    p = p.fma(r, one);
    IntVector k = t.reinterpretAsInts().sub(ROUNDER_BITS);
    IntVector half = k.lanewise(VectorOperators.ASHR, 1);
    FloatVector scaleA = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector scaleB =
        k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(scaleA).mul(scaleB);
  }
}
