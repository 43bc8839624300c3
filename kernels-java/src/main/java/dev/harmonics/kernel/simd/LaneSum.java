package dev.harmonics.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * The sum of a vector's lanes in one fixed order, the same interpreted and C2-compiled.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order unspecified, and on JDK 25 the compiled reduction
 * adds lanes in a different order than the Java fallback, so a sum changed in its last bit when C2
 * compiled the loop (issue 5, seeded determinism). This folds the vector in halves: lane {@code i}
 * plus lane {@code i + half}, log2(lanes) times; every step is a lane-wise add, which rounds
 * identically in both modes.
 *
 * <p>The folds are written out, one per possible step, each with its own static final shuffle:
 * C2 treats those as constants and compiles each fold to one permute and one add. A loop over an
 * array of shuffles (the first version) kept the running vector in a loop variable, which C2
 * boxed on every step: 384 bytes per call at 16 lanes, the allocation a 64-element softmax made.
 */
final class LaneSum {

  private static final int LANES = SimdSpecies.LANES;
  /** The folds, also for a caller that must write them out (TwoVectorCrossEntropy says why). */
  static final VectorShuffle<Float> FOLD_8 = fold(8);
  static final VectorShuffle<Float> FOLD_4 = fold(4);
  static final VectorShuffle<Float> FOLD_2 = fold(2);
  static final VectorShuffle<Float> FOLD_1 = fold(1);

  static {
    if (LANES != 4 && LANES != 8 && LANES != 16) {
      throw new IllegalStateException("LaneSum folds 4, 8 or 16 lanes, not " + LANES);
    }
  }

  private LaneSum() {}

  /** Lane {@code i} takes lane {@code (i + half) % LANES}; unused where half >= LANES. */
  private static VectorShuffle<Float> fold(int half) {
    return VectorShuffle.fromOp(SimdSpecies.FLOAT, i -> (i + half) % LANES);
  }

  /** The sum of {@code v}'s lanes, folded pairwise in halves. */
  static float sum(FloatVector v) {
    FloatVector acc = v;
    if (LANES == 16) {
      acc = acc.add(acc.rearrange(FOLD_8));
    }
    if (LANES >= 8) {
      acc = acc.add(acc.rearrange(FOLD_4));
    }
    acc = acc.add(acc.rearrange(FOLD_2));
    acc = acc.add(acc.rearrange(FOLD_1));
    return acc.lane(0);
  }
}
