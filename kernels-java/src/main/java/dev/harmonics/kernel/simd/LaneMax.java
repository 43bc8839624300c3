package dev.harmonics.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The largest lane of a vector that holds no NaN, by compare-and-blend on rotated copies.
 *
 * <p>{@code reduceLanes(MAX)} must order NaN and signed zeros as {@link Math#max} does, which C2
 * compiles into a long sequence per step; on a 64-element softmax row that reduction was a
 * visible part of the call, which is one chain of dependent steps. Rows whose lanes were gathered
 * by compare-and-blend (NaN skipped) need none of that: a greater-than compare and a blend per
 * fold give the same value (up to the sign of a zero maximum, which no caller can tell apart:
 * {@code x - 0} and {@code x + 0} differ only for {@code x = -0}, whose exponential is 1 either
 * way). Each fold has its own {@code static final} shuffle, which C2 treats as a constant (see
 * {@link LaneSum} for what a loop over shuffles cost).
 */
final class LaneMax {

  private static final int LANES = SimdSpecies.LANES;
  private static final VectorShuffle<Float> ROTATE_8 = rotate(8);
  private static final VectorShuffle<Float> ROTATE_4 = rotate(4);
  private static final VectorShuffle<Float> ROTATE_2 = rotate(2);
  private static final VectorShuffle<Float> ROTATE_1 = rotate(1);

  private LaneMax() {}

  private static VectorShuffle<Float> rotate(int by) {
    return VectorShuffle.fromOp(SimdSpecies.FLOAT, i -> (i + by) % LANES);
  }

  /** The largest lane of {@code v}, which must hold no NaN; {@code -inf} for all {@code -inf}. */
  static float max(FloatVector v) {
    FloatVector acc = v;
    if (LANES == 16) {
      acc = fold(acc, ROTATE_8);
    }
    if (LANES >= 8) {
      acc = fold(acc, ROTATE_4);
    }
    acc = fold(acc, ROTATE_2);
    return fold(acc, ROTATE_1).lane(0);
  }

  private static FloatVector fold(FloatVector acc, VectorShuffle<Float> rotation) {
    FloatVector other = acc.rearrange(rotation);
    return acc.blend(other, other.compare(VectorOperators.GT, acc));
  }
}
