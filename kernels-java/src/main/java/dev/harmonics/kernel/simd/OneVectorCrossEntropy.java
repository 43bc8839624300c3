package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SimdActivationMath.expNonPositive;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax cross-entropy against labels for rows of at most one vector ({@code classes <=} the
 * lane count), the small-input path of {@link SimdLoss}. Each row is loaded once and stays in a
 * register through its maximum, exponentials, sum and gradient, which is stored once with the
 * label's {@code -hit} already applied. The general path walks the row in four helper loops (the
 * maximum and the exponentials are separate compiled methods, which C2 would not inline into the
 * row loop), reloads the exponentials it stored to scale them, and patches the label's element
 * with a scalar load and store after the vector store.
 *
 * <p>The gradient is the general path's bit for bit: the same compare-and-blend maximum over the
 * row's lanes, the same {@link SimdActivationMath#expNonPositive}, the same lane-sum order of the
 * masked exponentials, the same fused multiply-add and the same subtraction of {@code hit} at the
 * label. The loss differs only in how its double terms are grouped: the row losses {@code log(sum)
 * - labelLogit} need one {@link Math#log} per row, and on this machine each took about 20 ns that
 * the next row could not overlap (80 of the call's 230 ns on [4, 16] logits). The sum of
 * logarithms is therefore taken as the logarithm of the rows' product, one call per {@link
 * #LOG_EVERY} rows.
 */
final class OneVectorCrossEntropy {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final ByteOrder O = ByteOrder.nativeOrder();
  private static final FloatVector NEGATIVE_INFINITY =
      FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
  /** Lane {@code i} holds {@code i}: a compare with a label picks that label's lane. */
  private static final FloatVector LANE_INDEX = FloatVector.fromArray(S, laneIndices(), 0);

  /**
   * Rows whose exponential sums are multiplied before one logarithm is taken of the product. A
   * sum lies in {@code [1, classes]} (the maximum contributes {@code exp(0) = 1}), so 32 of them
   * multiply to at most {@code 16^32 = 2^128}, far from overflowing a double, and the product
   * rounds by a few double ulps, which the float loss never sees.
   */
  private static final int LOG_EVERY = 32;

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
    FloatVector smooth = FloatVector.broadcast(S, (float) (-eps / ((double) classes * counted)));
    float hit = (float) ((1 - eps) / counted);
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
      FloatVector z = FloatVector.fromMemorySegment(S, zs, zr, O, inRow);
      FloatVector top = NEGATIVE_INFINITY.blend(z,
          z.compare(VectorOperators.GT, NEGATIVE_INFINITY).and(inRow));
      float max = LaneMax.max(top);
      // read before the gradient is stored, which may overwrite it (dlogits may be logits)
      double labelLogit = (double) zs.get(ValueLayout.JAVA_FLOAT, zr + 4L * labelIndex) - max;
      FloatVector shifted = z.sub(max);
      FloatVector e = FloatVector.zero(S).add(expNonPositive(shifted), inRow);
      float sum = LaneSum.sum(e);
      part -= (1 - eps) * labelLogit;
      if (eps > 0) {
        float shiftedSum = LaneSum.sum(FloatVector.zero(S).add(shifted, inRow));
        part -= eps * ((double) shiftedSum / classes);
      }
      sums *= sum;
      if (++multiplied == LOG_EVERY) {
        part += Math.log(sums);
        sums = 1;
        multiplied = 0;
      }
      if (ds != null) {
        FloatVector scale = FloatVector.broadcast(S, (float) (1.0 / ((double) sum * counted)));
        FloatVector gradient = e.fma(scale, smooth);
        gradient = gradient.sub(hit, LANE_INDEX.compare(VectorOperators.EQ, labelIndex));
        gradient.intoMemorySegment(ds, dr, O, inRow);
      }
    }
    return part + Math.log(sums);
  }
}
