package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SoftmaxRows.NEGLIGIBLE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax cross-entropy against labels for rows of more than one and at most two vectors ({@code
 * lanes < classes <= 2 lanes}): each row is loaded once into two registers and its exponentials,
 * sum and gradient stay there, as in {@link OneVectorCrossEntropy}. On an AVX2 machine (8 lanes)
 * this is where [4, 16] logits land, which the general path of {@link SimdLoss} (four helper loops
 * per row) ran at 347-404 ns a call.
 *
 * <p>Unlike the one-vector path every row is shifted by its maximum, so the exponential is the
 * shared {@link SimdActivationMath#expNonPositive}, flushing below {@code x - max = -64} as the
 * softmax does ({@link SoftmaxRows#NEGLIGIBLE}), so no gradient entry is subnormal; each sum lies
 * in {@code [1, classes]}, and the logarithm is taken of the product of {@link #LOG_EVERY} rows'
 * sums, at most {@code 32^16}. The
 * maximum skips NaN lanes, and a NaN or {@code +inf} logit makes its row's sum, loss and gradient
 * NaN, as on the general path. The second vector is read whole at {@code classes - L},
 * overlapping the first (the package documentation's rule for a partial last vector): its lanes
 * that the first already holds are zeroed by a blend before the sums (a multiply by 0 would make
 * a -inf logit NaN), and its gradient, equal to the first's in those lanes, is stored over them.
 * With the second vector masked instead, rows of 10 and of 12 classes at 8 lanes allocated 128
 * bytes a row in every JVM ([64, 10]: 4.2-5.4 us a call, against 3.3-3.4 us and 0 bytes now): the
 * masked operations and the second exponential ran as calls on boxed vectors.
 *
 * <p>The row body is as lean in C2's parse-time nodes as it can be: with the lane folds of {@link
 * LaneMax} and {@link LaneSum} and an unmasked path for whole rows beside the masked one, the
 * compilation passed C2's node budget for inlining (NodeCountInliningCutoff) before the second
 * exponential or the sum, which then ran as calls on boxed vectors (768 bytes and 330-340 ns a
 * call on [4, 16] logits at 8 lanes). C2 refuses only our own methods past that budget, never the
 * Vector API's (which the JDK forces inline), so the row body has one path for every width, the
 * maximum is one {@code reduceLanes(MAX)} (exact, so its order cannot change a bit) and the sums
 * fold their lanes with {@link LaneSum}'s shuffles written out here rather than by calling it. A
 * {@code reduceLanes(ADD)} was cheaper still, but C2 adds the lanes in another order than the
 * interpreter, which moved gradients by one ulp once the method was compiled (issue 5). 0 bytes
 * and 166-173 ns a call alone on the AVX2 machine (190-197 ns in full runs of the fifteen small
 * calls), against 347-404 ns for the general path.
 */
final class TwoVectorCrossEntropy {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = SimdSpecies.LANES;
  private static final ByteOrder O = ByteOrder.nativeOrder();
  private static final FloatVector ZERO = FloatVector.zero(S);
  private static final FloatVector NEGATIVE_INFINITY =
      FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
  /** Lane {@code i} holds the class of that lane of the first vector: {@code i}. */
  private static final FloatVector FIRST_INDEX = OneVectorCrossEntropy.LANE_INDEX;

  /** Rows whose exponential sums are multiplied before one logarithm is taken of the product. */
  private static final int LOG_EVERY = 16;

  private TwoVectorCrossEntropy() {}

  /** Whether rows of {@code classes} logits fit this path. */
  static boolean fits(int classes) {
    return classes > L && classes <= 2 * L;
  }

  /**
   * The summed loss of rows {@code [from, to)}, writing the gradient rows when {@code ds} is not
   * null; arguments as in {@link OneVectorCrossEntropy#rows}.
   */
  static double rows(MemorySegment zs, long zo, MemorySegment ls, long lo, MemorySegment ds,
      long dOff, int classes, int ignoreIndex, double eps, int counted, int from, int to) {
    long secondAt = 4L * (classes - L);
    // lanes of the second vector (read at classes - L) that the first does not hold
    VectorMask<Float> secondOnly =
        FIRST_INDEX.compare(VectorOperators.GE, (float) (2 * L - classes));
    FloatVector secondIndex = FIRST_INDEX.add(classes - L);
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
          ZERO.intoMemorySegment(ds, dr, O);
          ZERO.intoMemorySegment(ds, dr + secondAt, O);
        }
        continue;
      }
      FloatVector z0 = FloatVector.fromMemorySegment(S, zs, zr, O);
      FloatVector z1 = FloatVector.fromMemorySegment(S, zs, zr + secondAt, O);
      FloatVector high = NEGATIVE_INFINITY.blend(z0, z0.compare(VectorOperators.GT,
          NEGATIVE_INFINITY)).max(NEGATIVE_INFINITY.blend(z1,
          z1.compare(VectorOperators.GT, NEGATIVE_INFINITY)));
      float shift = high.reduceLanes(VectorOperators.MAX);
      // read before the gradient is stored, which may overwrite it (dlogits may be logits)
      double labelLogit = (double) zs.get(ValueLayout.JAVA_FLOAT, zr + 4L * labelIndex) - shift;
      FloatVector shifted0 = z0.sub(shift);
      FloatVector shifted1 = z1.sub(shift);
      FloatVector e0 = SimdActivationMath.expNonPositive(shifted0, NEGLIGIBLE);
      FloatVector e1 = SimdActivationMath.expNonPositive(shifted1, NEGLIGIBLE);
      // Lanes folded in halves as LaneSum does, for the same bits interpreted and compiled; written
      // here because C2 would not inline LaneSum.sum into this method (see the class comment).
      FloatVector fold = e0.add(ZERO.blend(e1, secondOnly));
      if (L == 16) {
        fold = fold.add(fold.rearrange(LaneSum.FOLD_8));
      }
      if (L >= 8) {
        fold = fold.add(fold.rearrange(LaneSum.FOLD_4));
      }
      fold = fold.add(fold.rearrange(LaneSum.FOLD_2));
      float sum = fold.add(fold.rearrange(LaneSum.FOLD_1)).lane(0);
      part -= (1 - eps) * labelLogit;
      if (eps > 0) {
        FloatVector shiftedFold = shifted0.add(ZERO.blend(shifted1, secondOnly));
        if (L == 16) {
          shiftedFold = shiftedFold.add(shiftedFold.rearrange(LaneSum.FOLD_8));
        }
        if (L >= 8) {
          shiftedFold = shiftedFold.add(shiftedFold.rearrange(LaneSum.FOLD_4));
        }
        shiftedFold = shiftedFold.add(shiftedFold.rearrange(LaneSum.FOLD_2));
        float shiftedSum = shiftedFold.add(shiftedFold.rearrange(LaneSum.FOLD_1)).lane(0);
        part -= eps * ((double) shiftedSum / classes);
      }
      sums *= sum;
      if (++multiplied == LOG_EVERY) {
        part += TableLog.log(sums);
        sums = 1;
        multiplied = 0;
      }
      if (ds != null) {
        // float operands: compare(op, long) would check that the label converts exactly
        FloatVector g0 = e0.div(sum).fma(perRow, smooth)
            .sub(hit, FIRST_INDEX.compare(VectorOperators.EQ, (float) labelIndex));
        FloatVector g1 = e1.div(sum).fma(perRow, smooth)
            .sub(hit, secondIndex.compare(VectorOperators.EQ, (float) labelIndex));
        // the lanes g1 shares with g0 hold the same values, so the second store may overwrite them
        g0.intoMemorySegment(ds, dr, O);
        g1.intoMemorySegment(ds, dr + secondAt, O);
      }
    }
    return part + TableLog.log(sums);
  }
}
