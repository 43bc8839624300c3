package dev.harmonics.kernel.simd;

import static dev.harmonics.kernel.simd.SimdActivationMath.expNonPositive;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector loops over one contiguous row (segment, byte offset, length in elements) for softmax and
 * the losses built on it. Whole vectors first; a row that ends in a partial vector ends with one
 * whole vector read at {@code n - L}, overlapping the one before it (see {@link #expStoreNarrow}),
 * and only a row narrower than a vector, or wider than {@link #NARROW} in the exponential passes,
 * is masked. As in {@link NormRows}, no vector crosses a method boundary.
 *
 * <p>The maximum is taken with compare-and-blend, which skips NaN instead of propagating it; that
 * is enough, because a NaN then turns {@code exp(x - max)} and the sum into NaN, which makes the
 * whole row NaN as documented, and it is cheaper than the NaN-propagating lane-wise max. For the
 * same reason the lanes are folded by {@link LaneMax} rather than {@code reduceLanes(MAX)}.
 *
 * <p>The exponentials of {@code x - max} take {@link SimdActivationMath#expNonPositive}: every
 * argument is {@code <= 0} (or NaN), so {@link SimdExp}'s overflow handling and its exact
 * subnormal results are not needed; a result below e^-64 becomes 0 ({@link #NEGLIGIBLE}), which
 * moves a probability by less than 1.6e-28. That saves five of its twenty-odd vector operations.
 * The exp loops keep one accumulator and one exp per iteration: the exp is long enough that the
 * add chain never waits, and a second inlined exp made the method so large that C2 stopped
 * inlining {@link LaneSum#sum}, which then boxed its vector argument (96 bytes a call).
 */
final class SoftmaxRows {

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();
  private static final ByteOrder O = ByteOrder.nativeOrder();
  /**
   * Elements summed in float lanes before the partial sum moves into a double: long rows (a
   * 100k-word vocabulary) then lose no more precision than a 4096-element one. A row of one
   * block returns the block's float sum directly, the value the double would round back to; the
   * conversions and the loop took about 8 ns of a 64-element softmax or layer norm.
   */
  static final int BLOCK = 4096;
  /**
   * Below this x - max an exponential counts as 0, as in the C kernel: e^-64 = 1.6e-28, which
   * times 1 / sum stays a normal float, so no probability is subnormal (a subnormal costs a
   * microcode assist per vector). A probability under 1.6e-28 / sum is lost.
   */
  static final float NEGLIGIBLE = -64f;
  /**
   * The widest row whose exponentials take {@link #expStoreNarrow}. Its loop selects the last
   * vector and loads a weight vector on every step, which on 4100-wide rows cost more than the
   * masked tail it avoids.
   */
  private static final int NARROW = 16 * L;
  /**
   * {@code L} zeros then {@code L} ones. Loaded from index {@code rest}, lane {@code j} is 1
   * exactly when {@code j >= L - rest}: the lanes of a row's last vector, read at {@code n - L},
   * that the whole vectors before it did not cover.
   */
  private static final float[] ZEROS_THEN_ONES = zerosThenOnes();
  /** A vector for the last-vector locals of rows that have none (null would box the vectors). */
  private static final FloatVector ZERO = FloatVector.zero(S);

  private SoftmaxRows() {}

  private static float[] zerosThenOnes() {
    float[] weights = new float[2 * L];
    Arrays.fill(weights, L, 2 * L, 1f);
    return weights;
  }

  /** {@code max(x)} ignoring NaN; {@code -inf} for a row of NaN or {@code -inf}. */
  static float max(MemorySegment x, long xo, int n) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    FloatVector m1 = m0;
    FloatVector m2 = m0;
    FloatVector m3 = m0;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      long at = 4L * i;
      FloatVector v0 = fromMemorySegment(S, xSpan, at, O);
      FloatVector v1 = fromMemorySegment(S, xSpan, at + 4L * L, O);
      FloatVector v2 = fromMemorySegment(S, xSpan, at + 8L * L, O);
      FloatVector v3 = fromMemorySegment(S, xSpan, at + 12L * L, O);
      m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
      m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
      m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
      m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
    }
    for (; i <= n - L; i += L) {
      FloatVector v = fromMemorySegment(S, xSpan, 4L * i, O);
      m0 = m0.blend(v, v.compare(VectorOperators.GT, m0));
    }
    if (i < n && n > L) {
      FloatVector v = fromMemorySegment(S, xSpan, 4L * (n - L), O);
      m1 = m1.blend(v, v.compare(VectorOperators.GT, m1));
    } else if (n < L) {
      VectorMask<Float> m = S.indexInRange(0, n);
      FloatVector v = fromMemorySegment(S, x, xo, O, m);
      m0 = m0.blend(v, v.compare(VectorOperators.GT, m0).and(m));
    }
    m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
    m2 = m2.blend(m3, m3.compare(VectorOperators.GT, m2));
    return LaneMax.max(m0.blend(m2, m2.compare(VectorOperators.GT, m0)));
  }

  /** Writes {@code y = exp(x - shift)} and returns {@code sum(y)}. */
  static float expStore(MemorySegment x, long xo, MemorySegment y, long yo, int n, float shift) {
    if (n <= NARROW) {
      return n < L ? expStoreShort(x, xo, y, yo, n, shift) : expStoreNarrow(x, xo, y, yo, n, shift);
    }
    if (n <= BLOCK) {
      return expStoreBlock(x, xo, y, yo, n, shift);
    }
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += expStoreBlock(x, xo + 4L * from, y, yo + 4L * from, Math.min(BLOCK, n - from),
          shift);
    }
    return (float) total;
  }

  private static float expStoreBlock(MemorySegment x, long xo, MemorySegment y, long yo, int n,
      float shift) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    FloatVector s = FloatVector.zero(S);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, xSpan, at, O).sub(shift);
      FloatVector e = expNonPositive(d, NEGLIGIBLE);
      e.intoMemorySegment(ySpan, at, O);
      s = s.add(e);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector d = fromMemorySegment(S, x, xo + at, O, m).sub(shift);
      FloatVector e = expNonPositive(d, NEGLIGIBLE);
      e.intoMemorySegment(y, yo + at, O, m);
      s = s.add(e, m);
    }
    return LaneSum.sum(s);
  }

  /**
   * {@link #expStore} of a row of {@code L} to {@link #NARROW} elements. A row that is not a whole
   * number of vectors ends with one whole vector read at {@code n - L}, overlapping the vector
   * before it, so that no access is masked: its exponentials are rewritten with the same values,
   * and its overlapping lanes are left out of the sum by a weight of 0 ({@link #ZEROS_THEN_ONES}).
   * That last vector goes through the loop body too, because C2 compiles the method within its
   * node budget only with one inlined exponential: with a second one for a masked tail, as in
   * {@link #expStoreBlock}, the tail's vector operations ran as calls on boxed vectors in most
   * JVMs (64 bytes and about 70 ns a row of 10 classes).
   */
  private static float expStoreNarrow(MemorySegment x, long xo, MemorySegment y, long yo, int n,
      float shift) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    int last = n - L;
    int rest = n % L;
    int vectors = (n + L - 1) / L;
    // read before the loop, which overwrites part of it when y is x
    FloatVector lastX = fromMemorySegment(S, xSpan, 4L * last, O);
    FloatVector s = FloatVector.zero(S);
    for (int k = 0; k < vectors; k++) {
      int i = Math.min(k * L, last);
      long at = 4L * i;
      FloatVector v = i == last ? lastX : fromMemorySegment(S, xSpan, at, O);
      FloatVector e = expNonPositive(v.sub(shift), NEGLIGIBLE);
      e.intoMemorySegment(ySpan, at, O);
      s = e.fma(FloatVector.fromArray(S, ZEROS_THEN_ONES, k * L <= last ? L : rest), s);
    }
    return LaneSum.sum(s);
  }

  /** {@link #expStore} of fewer than {@code L} elements, under a mask. */
  private static float expStoreShort(MemorySegment x, long xo, MemorySegment y, long yo, int n,
      float shift) {
    VectorMask<Float> m = S.indexInRange(0, n);
    FloatVector e = expNonPositive(fromMemorySegment(S, x, xo, O, m).sub(shift), NEGLIGIBLE);
    e.intoMemorySegment(y, yo, O, m);
    return LaneSum.sum(ZERO.add(e, m));
  }

  /**
   * {@link #expStore} of one row of at most {@link #BLOCK} elements, a whole number of vectors,
   * while taking the maximum of the next row (the {@code n} floats that follow it), so that the
   * next row streams in from memory while this one's exponentials are computed; returns both,
   * packed by {@link #pack}. Rows with a masked tail take the separate passes: with the tail
   * compiled in, this method went past C2's inlining budget and boxed its lane folds.
   */
  static long expStoreAndNextMax(MemorySegment x, long xo, MemorySegment y, long yo, int n,
      float shift) {
    assert n % L == 0;
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment nextSpan = x.asSlice(xo + 4L * n, 4L * n);
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    FloatVector s = FloatVector.zero(S);
    FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int i = 0; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector v = fromMemorySegment(S, nextSpan, at, O);
      mx = mx.blend(v, v.compare(VectorOperators.GT, mx));
      FloatVector d = fromMemorySegment(S, xSpan, at, O).sub(shift);
      FloatVector e = expNonPositive(d, NEGLIGIBLE);
      e.intoMemorySegment(ySpan, at, O);
      s = s.add(e);
    }
    return pack(LaneSum.sum(s), LaneMax.max(mx));
  }

  /** Two floats in one long, so that a loop returns both without allocating. */
  static long pack(float high, float low) {
    return ((long) Float.floatToRawIntBits(high) << 32)
        | (Float.floatToRawIntBits(low) & 0xFFFFFFFFL);
  }

  static float high(long packed) {
    return Float.intBitsToFloat((int) (packed >>> 32));
  }

  static float low(long packed) {
    return Float.intBitsToFloat((int) packed);
  }

  /** {@code sum(exp(x - shift))}. */
  static float expSum(MemorySegment x, long xo, int n, float shift) {
    if (n <= NARROW) {
      return n < L ? expSumShort(x, xo, n, shift) : expSumNarrow(x, xo, n, shift);
    }
    if (n <= BLOCK) {
      return expSumBlock(x, xo, n, shift);
    }
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += expSumBlock(x, xo + 4L * from, Math.min(BLOCK, n - from), shift);
    }
    return (float) total;
  }

  private static float expSumBlock(MemorySegment x, long xo, int n, float shift) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    FloatVector s = FloatVector.zero(S);
    int i = 0;
    for (; i <= n - L; i += L) {
      FloatVector d = fromMemorySegment(S, xSpan, 4L * i, O).sub(shift);
      s = s.add(expNonPositive(d, NEGLIGIBLE));
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      FloatVector d = fromMemorySegment(S, x, xo + 4L * i, O, m).sub(shift);
      s = s.add(expNonPositive(d, NEGLIGIBLE), m);
    }
    return LaneSum.sum(s);
  }

  /** {@link #expSum} of {@code L} to {@link #NARROW} elements, as {@link #expStoreNarrow} sums. */
  private static float expSumNarrow(MemorySegment x, long xo, int n, float shift) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    int last = n - L;
    int rest = n % L;
    int vectors = (n + L - 1) / L;
    FloatVector s = FloatVector.zero(S);
    for (int k = 0; k < vectors; k++) {
      FloatVector d = fromMemorySegment(S, xSpan, 4L * Math.min(k * L, last), O).sub(shift);
      s = expNonPositive(d, NEGLIGIBLE)
          .fma(FloatVector.fromArray(S, ZEROS_THEN_ONES, k * L <= last ? L : rest), s);
    }
    return LaneSum.sum(s);
  }

  /** {@link #expSum} of fewer than {@code L} elements, under a mask. */
  private static float expSumShort(MemorySegment x, long xo, int n, float shift) {
    VectorMask<Float> m = S.indexInRange(0, n);
    FloatVector d = fromMemorySegment(S, x, xo, O, m).sub(shift);
    return LaneSum.sum(ZERO.add(expNonPositive(d, NEGLIGIBLE), m));
  }

  /** {@code y *= factor} in place. */
  static void scale(MemorySegment y, long yo, int n, float factor) {
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    boolean overlapTail = n % L != 0 && n > L;
    // read before the loop scales the lanes it shares with the last whole vector
    FloatVector lastY = overlapTail ? fromMemorySegment(S, ySpan, 4L * (n - L), O) : ZERO;
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      fromMemorySegment(S, ySpan, at, O).mul(factor).intoMemorySegment(ySpan, at, O);
    }
    if (overlapTail) {
      lastY.mul(factor).intoMemorySegment(ySpan, 4L * (n - L), O);
    } else if (n < L) {
      VectorMask<Float> m = S.indexInRange(0, n);
      fromMemorySegment(S, y, yo, O, m).mul(factor).intoMemorySegment(y, yo, O, m);
    }
  }

  /** {@code y = (x - shift) - offset}: the last pass of log-softmax. */
  static void shiftStore(MemorySegment x, long xo, MemorySegment y, long yo, int n, float shift,
      float offset) {
    MemorySegment xSpan = x.asSlice(xo, 4L * n);
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    boolean overlapTail = n % L != 0 && n > L;
    // read before the loop, which overwrites part of it when y is x
    FloatVector lastX = overlapTail ? fromMemorySegment(S, xSpan, 4L * (n - L), O) : ZERO;
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector r = fromMemorySegment(S, xSpan, at, O).sub(shift).sub(offset);
      r.intoMemorySegment(ySpan, at, O);
    }
    if (overlapTail) {
      lastX.sub(shift).sub(offset).intoMemorySegment(ySpan, 4L * (n - L), O);
    } else if (n < L) {
      VectorMask<Float> m = S.indexInRange(0, n);
      fromMemorySegment(S, x, xo, O, m).sub(shift).sub(offset).intoMemorySegment(y, yo, O, m);
    }
  }

  /** {@code sum(a)}. */
  static float sum(MemorySegment a, long ao, int n) {
    if (n <= BLOCK) {
      return sumBlock(a, ao, n);
    }
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += sumBlock(a, ao + 4L * from, Math.min(BLOCK, n - from));
    }
    return (float) total;
  }

  private static float sumBlock(MemorySegment a, long ao, int n) {
    MemorySegment aSpan = a.asSlice(ao, 4L * n);
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      long at = 4L * i;
      s0 = s0.add(fromMemorySegment(S, aSpan, at, O));
      s1 = s1.add(fromMemorySegment(S, aSpan, at + 4L * L, O));
    }
    for (; i < n; i += L) {
      s0 = s0.add(fromMemorySegment(S, a, ao + 4L * i, O, S.indexInRange(i, n)));
    }
    return LaneSum.sum(s0.add(s1));
  }

  /** {@code sum(a * b)}. */
  static float dot(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
    if (n <= BLOCK) {
      return dotBlock(a, ao, b, bo, n);
    }
    double total = 0;
    for (int from = 0; from < n; from += BLOCK) {
      total += dotBlock(a, ao + 4L * from, b, bo + 4L * from, Math.min(BLOCK, n - from));
    }
    return (float) total;
  }

  private static float dotBlock(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
    MemorySegment aSpan = a.asSlice(ao, 4L * n);
    MemorySegment bSpan = b.asSlice(bo, 4L * n);
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    int i = 0;
    for (; i <= n - 2 * L; i += 2 * L) {
      long at = 4L * i;
      long next = at + 4L * L;
      s0 = fromMemorySegment(S, aSpan, at, O).fma(fromMemorySegment(S, bSpan, at, O), s0);
      s1 = fromMemorySegment(S, aSpan, next, O).fma(fromMemorySegment(S, bSpan, next, O), s1);
    }
    for (; i < n; i += L) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector va = fromMemorySegment(S, a, ao + at, O, m);
      s0 = s0.add(va.mul(fromMemorySegment(S, b, bo + at, O, m)), m);
    }
    return LaneSum.sum(s0.add(s1));
  }

  /** {@code dx = y * (dy - dot)}: softmax backward. */
  static void softmaxGrad(MemorySegment y, long yo, MemorySegment dy, long dyo, MemorySegment dx,
      long dxo, int n, float dot) {
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment dxSpan = dx.asSlice(dxo, 4L * n);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector g = fromMemorySegment(S, dySpan, at, O).sub(dot);
      g.mul(fromMemorySegment(S, ySpan, at, O)).intoMemorySegment(dxSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector g = fromMemorySegment(S, dy, dyo + at, O, m).sub(dot);
      g.mul(fromMemorySegment(S, y, yo + at, O, m)).intoMemorySegment(dx, dxo + at, O, m);
    }
  }

  /** {@code dx = dy - exp(y) * sum}: log-softmax backward. */
  static void logSoftmaxGrad(MemorySegment y, long yo, MemorySegment dy, long dyo,
      MemorySegment dx, long dxo, int n, float sum) {
    MemorySegment ySpan = y.asSlice(yo, 4L * n);
    MemorySegment dySpan = dy.asSlice(dyo, 4L * n);
    MemorySegment dxSpan = dx.asSlice(dxo, 4L * n);
    FloatVector neg = FloatVector.broadcast(S, -sum);
    int i = 0;
    for (; i <= n - L; i += L) {
      long at = 4L * i;
      FloatVector p = SimdExp.exp(fromMemorySegment(S, ySpan, at, O));
      p.fma(neg, fromMemorySegment(S, dySpan, at, O)).intoMemorySegment(dxSpan, at, O);
    }
    if (i < n) {
      VectorMask<Float> m = S.indexInRange(i, n);
      long at = 4L * i;
      FloatVector p = SimdExp.exp(fromMemorySegment(S, y, yo + at, O, m));
      p.fma(neg, fromMemorySegment(S, dy, dyo + at, O, m)).intoMemorySegment(dx, dxo + at, O, m);
    }
  }
}
