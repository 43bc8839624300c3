package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C2;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C3;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C4;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C5;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C6;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_FLUSH;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_MIN;
import static dev.harmonics.kernel.simd.SimdActivationMath.GELU_ERF_LIMIT;
import static dev.harmonics.kernel.simd.SimdActivationMath.LOG2E;
import static dev.harmonics.kernel.simd.SimdActivationMath.MINUS_LN2_HI;
import static dev.harmonics.kernel.simd.SimdActivationMath.MINUS_LN2_LO;
import static dev.harmonics.kernel.simd.SimdActivationMath.ONE;
import static dev.harmonics.kernel.simd.SimdActivationMath.ROUNDER;
import static dev.harmonics.kernel.simd.SimdActivationMath.ROUNDER_BITS_UNBIASED;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_P0;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_P1;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_P2;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_P3;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_P4;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_Q1;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_Q2;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_Q3;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_Q4;
import static dev.harmonics.kernel.simd.SimdActivationMath.TAIL_Q5;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two passes of GELU-erf forward, each written out in one loop body that calls none of our
 * own methods, only the Vector API's (which the JDK forces inline).
 *
 * <p>The passes had been composed from {@link SimdActivationMath}'s pieces ({@code
 * expNonPositive}, the Gaussian exponent, {@code gaussianCorrection}, {@code normalTail},
 * {@code normalCdf}), which other kernels share. When one of those pieces had already been
 * compiled on its own (a caller that did not inline it made it hot), C2 refused to inline it into
 * a GELU pass compiled later ("already compiled into a big method") and boxed the vectors passed
 * to it: 1.4-2.3 KB and 220-440 ns for a 64-element call, in some JVMs only, more often through
 * the native backend (whose other kernels warm the shared pieces differently). With no callee of
 * ours left, whether a pass compiles to straight vector code no longer depends on what else ran.
 *
 * <p>The operations, their order and so the bits are those of the composed pieces, which stay the
 * documented definitions (and serve the backward pass).
 */
final class GeluErfPasses {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int LANES = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  private GeluErfPasses() {}

  /**
   * {@code e[j] = exp(-round(u^2) / 2)}, {@code u = min(|x|, GELU_ERF_LIMIT)}, for whole vectors
   * of {@code x} from element {@code from}: the exponent {@code -u*u/2}, then {@code
   * expNonPositive}.
   */
  static void exponentials(MemorySegment xs, long xo, int from, float[] e, int n) {
    xs = xs.asSlice(xo + 4L * from, 4L * n);
    for (int j = 0; j < n; j += LANES) {
      FloatVector x = FloatVector.fromMemorySegment(S, xs, 4L * j, ORDER);
      FloatVector a = x.abs();
      FloatVector u = a.blend(GELU_ERF_LIMIT, a.compare(VectorOperators.GT, GELU_ERF_LIMIT));
      FloatVector t = u.mul(u).mul(-0.5f);
      FloatVector low = t.blend(EXP_MIN, t.compare(VectorOperators.LT, EXP_FLUSH));
      FloatVector tc = low.blend(0f, low.compare(VectorOperators.GT, 0f));
      FloatVector rounded = tc.fma(LOG2E, ROUNDER);
      FloatVector k = rounded.sub(ROUNDER);
      FloatVector r = k.fma(MINUS_LN2_HI, tc);
      r = k.fma(MINUS_LN2_LO, r);
      FloatVector p = r.fma(EXP_C6, EXP_C5).fma(r, EXP_C4).fma(r, EXP_C3).fma(r, EXP_C2);
      p = p.mul(r).fma(r, r).add(1f);
      IntVector scale = rounded.reinterpretAsInts().sub(ROUNDER_BITS_UNBIASED)
          .lanewise(VectorOperators.LSHL, 23);
      p.mul(scale.reinterpretAsFloats()).intoArray(e, j);
    }
  }

  /**
   * {@code y = x Phi(x)} from x and the pass above's {@code e}: {@code gaussianCorrection}, {@code
   * normalTail}, {@code normalCdf}, with x clamped at {@code -GELU_ERF_LIMIT} (below which Phi is
   * 0) so that {@code -inf * 0} cannot occur.
   */
  static void finish(MemorySegment xs, long xo, float[] e, MemorySegment ys, long yo, int from,
      int n) {
    xs = xs.asSlice(xo + 4L * from, 4L * n);
    ys = ys.asSlice(yo + 4L * from, 4L * n);
    for (int j = 0; j < n; j += LANES) {
      long at = 4L * j;
      FloatVector x = FloatVector.fromMemorySegment(S, xs, at, ORDER);
      FloatVector v = FloatVector.fromArray(S, e, j);
      FloatVector a = x.abs();
      FloatVector u = a.blend(GELU_ERF_LIMIT, a.compare(VectorOperators.GT, GELU_ERF_LIMIT));
      FloatVector lo = u.fma(u, u.mul(u).neg());
      FloatVector g = v.fma(lo.mul(-0.5f), v);
      FloatVector p = u.fma(TAIL_P4, TAIL_P3).fma(u, TAIL_P2).fma(u, TAIL_P1).fma(u, TAIL_P0);
      FloatVector q = u.fma(TAIL_Q5, TAIL_Q4).fma(u, TAIL_Q3).fma(u, TAIL_Q2).fma(u, TAIL_Q1)
          .fma(u, ONE);
      FloatVector tail = g.mul(p).div(q);
      FloatVector cdf = ONE.sub(tail).blend(tail, x.compare(VectorOperators.LT, 0f));
      FloatVector y = x.blend(-GELU_ERF_LIMIT, x.compare(VectorOperators.LT, -GELU_ERF_LIMIT))
          .mul(cdf);
      y.intoMemorySegment(ys, at, ORDER);
    }
  }
}
