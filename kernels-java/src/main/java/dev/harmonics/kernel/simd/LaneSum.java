package dev.harmonics.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * The sum of a vector's lanes in one fixed order, the same interpreted and C2-compiled.
 *
 * <p>{@code reduceLanes(ADD)} leaves the order unspecified, and on JDK 25 the compiled reduction
 * adds lanes in a different order than the Java fallback, so a sum changed in its last bit when C2
 * compiled the loop (issue 5, seeded determinism). This folds the vector in halves: lane {@code i}
 * plus lane {@code i + half}, log2(lanes) times, with constant shuffles that compile to one
 * permute each; every step is a lane-wise add, which rounds identically in both modes.
 */
final class LaneSum {

  private static final int LANES = SimdSpecies.LANES;
  @SuppressWarnings("unchecked")
  private static final VectorShuffle<Float>[] FOLDS = folds();

  private LaneSum() {}

  private static VectorShuffle<Float>[] folds() {
    int steps = Integer.numberOfTrailingZeros(LANES);
    @SuppressWarnings("unchecked")
    VectorShuffle<Float>[] folds = new VectorShuffle[steps];
    for (int s = 0, half = LANES / 2; s < steps; s++, half /= 2) {
      int h = half;
      folds[s] = VectorShuffle.fromOp(SimdSpecies.FLOAT, i -> (i + h) % LANES);
    }
    return folds;
  }

  /** The sum of {@code v}'s lanes, folded pairwise in halves. */
  static float sum(FloatVector v) {
    FloatVector acc = v;
    for (VectorShuffle<Float> fold : FOLDS) {
      acc = acc.add(acc.rearrange(fold));
    }
    return acc.lane(0);
  }
}
