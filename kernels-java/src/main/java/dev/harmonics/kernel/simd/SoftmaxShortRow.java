package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SimdActivationMath.expNonPositive;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax of one row of at most {@link #MAX_LENGTH} (four vectors) elements, kept in registers:
 * the row is loaded once, and the maximum, the exponentials, their sum and the scaled result
 * never leave the registers until the one store.
 *
 * <p>A short row is a chain of dependent steps (maximum, exponentials, sum, reciprocal, scale),
 * so what counts is the length of that chain, not throughput. Against the three passes of {@link
 * SoftmaxRows} this drops the loop control, the store and reload of the exponentials between the
 * sum and the scaling, and the scalar round trip of the maximum: the lane-wise maximum is folded
 * across lanes with compare-and-blend on rotated copies, which leaves it in every lane, ready to
 * subtract. The maximum is exact whatever the order; the sum adds the same lanes in the same order
 * as {@link SoftmaxRows#expStore} and {@link LaneSum}, so the result has the same bits.
 *
 * <p>Lanes past the row's end hold {@code -inf}: it never wins the maximum, and its exponential is
 * 0, which leaves the sum unchanged (adding +0 to a sum of non-negative terms is exact). NaN is
 * skipped by the maximum and then makes the row NaN, as in {@link SoftmaxRows}.
 */
final class SoftmaxShortRow {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();
  private static final ByteOrder O = ByteOrder.nativeOrder();
  /** The longest row this handles: four vectors. */
  static final int MAX_LENGTH = 4 * L;
  private static final VectorShuffle<Float> ROTATE_8 = rotate(8);
  private static final VectorShuffle<Float> ROTATE_4 = rotate(4);
  private static final VectorShuffle<Float> ROTATE_2 = rotate(2);
  private static final VectorShuffle<Float> ROTATE_1 = rotate(1);

  private SoftmaxShortRow() {}

  private static VectorShuffle<Float> rotate(int by) {
    return VectorShuffle.fromOp(S, i -> (i + by) % L);
  }

  /** {@code y = softmax(x)} for one row of {@code 1 <= n <= MAX_LENGTH} elements. */
  static void softmax(MemorySegment x, long xo, MemorySegment y, long yo, int n) {
    assert n >= 1 && n <= MAX_LENGTH;
    FloatVector none = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    FloatVector v0 = n >= L ? fromMemorySegment(S, x, xo, O)
        : none.blend(fromMemorySegment(S, x, xo, O, S.indexInRange(0, n)), S.indexInRange(0, n));
    FloatVector v1 = none;
    FloatVector v2 = none;
    FloatVector v3 = none;
    if (n > L) {
      v1 = n >= 2 * L ? fromMemorySegment(S, x, xo + 4L * L, O)
          : none.blend(fromMemorySegment(S, x, xo + 4L * L, O, S.indexInRange(L, n)),
              S.indexInRange(L, n));
    }
    if (n > 2 * L) {
      v2 = n >= 3 * L ? fromMemorySegment(S, x, xo + 8L * L, O)
          : none.blend(fromMemorySegment(S, x, xo + 8L * L, O, S.indexInRange(2 * L, n)),
              S.indexInRange(2 * L, n));
    }
    if (n > 3 * L) {
      v3 = n == 4 * L ? fromMemorySegment(S, x, xo + 12L * L, O)
          : none.blend(fromMemorySegment(S, x, xo + 12L * L, O, S.indexInRange(3 * L, n)),
              S.indexInRange(3 * L, n));
    }
    FloatVector a = v0.blend(v1, v1.compare(VectorOperators.GT, v0));
    FloatVector b = v2.blend(v3, v3.compare(VectorOperators.GT, v2));
    FloatVector max = a.blend(b, b.compare(VectorOperators.GT, a));
    if (L == 16) {
      FloatVector r = max.rearrange(ROTATE_8);
      max = max.blend(r, r.compare(VectorOperators.GT, max));
    }
    if (L >= 8) {
      FloatVector r = max.rearrange(ROTATE_4);
      max = max.blend(r, r.compare(VectorOperators.GT, max));
    }
    FloatVector r2 = max.rearrange(ROTATE_2);
    max = max.blend(r2, r2.compare(VectorOperators.GT, max));
    FloatVector r1 = max.rearrange(ROTATE_1);
    max = max.blend(r1, r1.compare(VectorOperators.GT, max));
    FloatVector e0 = expNonPositive(v0.sub(max));
    FloatVector e1 = expNonPositive(v1.sub(max));
    FloatVector e2 = expNonPositive(v2.sub(max));
    FloatVector e3 = expNonPositive(v3.sub(max));
    float inverse = 1f / LaneSum.sum(e0.add(e1).add(e2).add(e3));
    store(e0.mul(inverse), y, yo, 0, n);
    if (n > L) {
      store(e1.mul(inverse), y, yo, L, n);
    }
    if (n > 2 * L) {
      store(e2.mul(inverse), y, yo, 2 * L, n);
    }
    if (n > 3 * L) {
      store(e3.mul(inverse), y, yo, 3 * L, n);
    }
  }

  private static void store(FloatVector v, MemorySegment y, long yo, int from, int n) {
    if (from + L <= n) {
      v.intoMemorySegment(y, yo + 4L * from, O);
    } else {
      v.intoMemorySegment(y, yo + 4L * from, O, S.indexInRange(from, n));
    }
  }
}
