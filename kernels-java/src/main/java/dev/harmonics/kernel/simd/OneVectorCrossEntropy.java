package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C2;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C3;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C4;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C5;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_C6;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_FLUSH;
import static dev.harmonics.kernel.simd.SimdActivationMath.EXP_MIN;
import static dev.harmonics.kernel.simd.SimdActivationMath.LOG2E;
import static dev.harmonics.kernel.simd.SimdActivationMath.MINUS_LN2_HI;
import static dev.harmonics.kernel.simd.SimdActivationMath.MINUS_LN2_LO;
import static dev.harmonics.kernel.simd.SimdActivationMath.ROUNDER;
import static dev.harmonics.kernel.simd.SimdActivationMath.ROUNDER_BITS_UNBIASED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax cross-entropy against labels for rows of at most one vector ({@code classes <=} the
 * lane count), the small-input path of {@link SimdLoss}. Each row is loaded once and stays in a
 * register through its exponentials, sum and gradient, which is stored once with the label's
 * {@code -hit} already applied. The general path walks the row in four helper loops (the maximum
 * and the exponentials are separate compiled methods, which C2 would not inline into the row
 * loop), reloads the exponentials it stored to scale them, and patches the label's element with a
 * scalar load and store after the vector store.
 *
 * <p>A row is a chain of dependent steps, and on [4, 16] logits the call was that chain four
 * times over. Two links are taken out of it:
 * <ul>
 *   <li>The maximum is only needed to keep {@code exp} in range. A row whose maximum lies within
 *       {@code +-}{@link #UNSHIFTED} takes {@code exp(z)} unshifted (the sum then lies in {@code
 *       [e^-16, 16 e^16]}, far from float overflow and underflow), so the exponentials do not
 *       wait for a maximum. Whether a row is such a row takes two compares of the whole vector
 *       (no lane above 16, some lane at least -16, NaN lanes counting as neither, as the
 *       maximum skips them), not the lane fold of the maximum: that fold is only computed for
 *       the other rows (including a +inf logit or a row of -inf), which shift by the maximum as
 *       the general path does; a NaN still makes its row's sum, loss and gradient NaN. The
 *       exponential is {@link SimdActivationMath#expNonPositive} written out without its clamp at
 *       0 (the argument is at most 16 here).
 *   <li>The row losses {@code log(sum) - z[label]} needed one {@link Math#log} per row, about
 *       20 ns each that the next row could not overlap. The logarithms are taken of the product
 *       of {@link #LOG_EVERY} rows' sums instead (at most {@code (16 e^16)^16}, about 1e130, and
 *       at least 1e-112: within a double), which changes the double sum by a few ulps. That
 *       logarithm is {@link TableLog}'s, which ends the call's chain in about half the steps
 *       of {@code Math.log}; with it, and the mean taken as a multiply by {@code 1 / counted},
 *       a call on [4, 16] logits went from 117-122 to 106-111 ns.
 * </ul>
 *
 * <p>A row of exactly one vector ({@code classes ==} the lanes) is loaded and stored without a
 * mask: masked loads and stores cost a visible part of a small call even where the row is whole
 * (on [4, 16] logits at 16 lanes, with the two compares above, 145 -> 118 ns a call).
 *
 * <p>Probabilities are {@code e / sum}, a division rather than a multiply by a reciprocal, so that
 * a probability of exactly 1 (one class) gives a gradient of exactly 0. Every value is within
 * a float ulp or two of the general path's.
 */
final class OneVectorCrossEntropy {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final ByteOrder O = ByteOrder.nativeOrder();
  private static final FloatVector NEGATIVE_INFINITY =
      FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
  /** Lane {@code i} holds {@code i}: a compare with a label picks that label's lane. */
  static final FloatVector LANE_INDEX = FloatVector.fromArray(S, laneIndices(), 0);

  /** Rows whose exponential sums are multiplied before one logarithm is taken of the product. */
  private static final int LOG_EVERY = 16;
  /** Rows whose maximum has at most this magnitude take {@code exp(z)} without a shift. */
  private static final float UNSHIFTED = 16f;

  private OneVectorCrossEntropy() {}

  /** Whether rows of {@code classes} logits fit this path. */
  static boolean fits(int classes) {
    return classes <= S.length();
  }

  private static float[] laneIndices() {
    float[] lanes = new float[S.length()];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = i;
    }
    return lanes;
  }

  /**
   * The summed loss of rows {@code [from, to)} of {@code classes <= lanes} logits, writing the
   * gradient rows when {@code ds} is not null. Arguments as in {@link SimdLoss}'s label path:
   * labels already checked, {@code counted} rows not ignored, {@code eps} the label smoothing.
   */
  static double rows(MemorySegment zs, long zo, MemorySegment ls, long lo, MemorySegment ds,
      long dOff, int classes, int ignoreIndex, double eps, int counted, int from, int to) {
    VectorMask<Float> inRow = S.indexInRange(0, classes);
    boolean full = classes == S.length();
    FloatVector smooth = FloatVector.broadcast(S, (float) (-eps / ((double) classes * counted)));
    float hit = (float) ((1 - eps) / counted);
    FloatVector perRow = FloatVector.broadcast(S, (float) (1.0 / counted));
    double part = 0;
    double sums = 1;
    int multiplied = 0;
    for (int r = from; r < to; r++) {
      long zr = zo + 4L * r * classes;
      long dr = dOff + 4L * r * classes;
      int labelIndex = ls.get(ValueLayout.JAVA_INT, lo + 4L * r);
      if (labelIndex == ignoreIndex) {
        if (ds != null) {
          FloatVector.zero(S).intoMemorySegment(ds, dr, O, inRow);
        }
        continue;
      }
      FloatVector z = full ? FloatVector.fromMemorySegment(S, zs, zr, O)
          : FloatVector.fromMemorySegment(S, zs, zr, O, inRow);
      float shift = 0f;
      if (z.compare(VectorOperators.GT, UNSHIFTED).anyTrue()
          || !z.compare(VectorOperators.GE, -UNSHIFTED, inRow).anyTrue()) {
        shift = LaneMax.max(NEGATIVE_INFINITY.blend(z,
            z.compare(VectorOperators.GT, NEGATIVE_INFINITY).and(inRow)));
      }
      // read before the gradient is stored, which may overwrite it (dlogits may be logits)
      double labelLogit = (double) zs.get(ValueLayout.JAVA_FLOAT, zr + 4L * labelIndex) - shift;
      FloatVector shifted = z.sub(shift);
      FloatVector low = shifted.blend(EXP_MIN, shifted.compare(VectorOperators.LT, EXP_FLUSH));
      FloatVector rounded = low.fma(LOG2E, ROUNDER);
      FloatVector k = rounded.sub(ROUNDER);
      FloatVector rr = k.fma(MINUS_LN2_HI, low);
      rr = k.fma(MINUS_LN2_LO, rr);
      FloatVector p = rr.fma(EXP_C6, EXP_C5).fma(rr, EXP_C4).fma(rr, EXP_C3).fma(rr, EXP_C2);
      p = p.mul(rr).fma(rr, rr).add(1f);
      IntVector scaleBits = rounded.reinterpretAsInts().sub(ROUNDER_BITS_UNBIASED)
          .lanewise(VectorOperators.LSHL, 23);
      FloatVector e = p.mul(scaleBits.reinterpretAsFloats());
      if (!full) {
        e = FloatVector.zero(S).add(e, inRow);
      }
      float sum = LaneSum.sum(e);
      part -= (1 - eps) * labelLogit;
      if (eps > 0) {
        float shiftedSum = LaneSum.sum(FloatVector.zero(S).add(shifted, inRow));
        part -= eps * ((double) shiftedSum / classes);
      }
      sums *= sum;
      if (++multiplied == LOG_EVERY) {
        part += TableLog.log(sums);
        sums = 1;
        multiplied = 0;
      }
      if (ds != null) {
        FloatVector gradient = e.div(sum).fma(perRow, smooth);
        // a float operand: compare(op, long) would check that the label converts exactly
        gradient = gradient.sub(hit, LANE_INDEX.compare(VectorOperators.EQ, (float) labelIndex));
        if (full) {
          gradient.intoMemorySegment(ds, dr, O);
        } else {
          gradient.intoMemorySegment(ds, dr, O, inRow);
        }
      }
    }
    return part + TableLog.log(sums);
  }
}
