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
 * {@link LaneSum} for what a loop over shuffles cost). The folds are written out rather than
 * calling a helper per fold: compilations of the softmax passes refused that helper as a "low
 * call site frequency" call (its profile came from a shared caller), and a vector that crosses a
 * call that does not inline is boxed.
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
    FloatVector other;
    if (LANES == 16) {
      other = acc.rearrange(ROTATE_8);
      acc = acc.blend(other, other.compare(VectorOperators.GT, acc));
    }
    if (LANES >= 8) {
      other = acc.rearrange(ROTATE_4);
      acc = acc.blend(other, other.compare(VectorOperators.GT, acc));
    }
    other = acc.rearrange(ROTATE_2);
    acc = acc.blend(other, other.compare(VectorOperators.GT, acc));
    other = acc.rearrange(ROTATE_1);
    return acc.blend(other, other.compare(VectorOperators.GT, acc)).lane(0);
  }
}
