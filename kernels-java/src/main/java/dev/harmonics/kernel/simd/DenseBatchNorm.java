package dev.harmonics.kernel.simd;

import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch norm training forward of a small dense {@code [N, C]} input, vectorised across channels:
 * a row holds one value of every channel, so a vector of consecutive channels (masked at the end
 * of the row) takes its sums over the rows lane by lane. Each group of channels is finished in
 * two passes over its rows (the statistics, then the normalised output) before the next group
 * starts: no allocation, no lambdas, no pool hand-off; the group's mean and variance go from one
 * small method to the next through a per-thread array ({@link #STATS}).
 *
 * <p>The general column-sum path of {@link SimdNorm} allocated its column arrays, its row
 * operations and the slice totals on every call (1.6 KB on an [8, 8] input) and handed the work
 * to the pool, about 750 ns against the 100 ns aimed at; a per-channel scalar loop was slower
 * still (about 900 ns), because each channel's three short loops ran one after another.
 *
 * <p>The statistics come from one pass, as layer norm's do ({@link LayerNormRows}): the sums of
 * {@code d = x - pivot} and {@code d^2} (the pivot is the first row), in two float accumulators
 * each so that the dependent adds form two short chains, in blocks of {@link
 * ColumnSums#BLOCK_ROWS} rows as in the general path; the variance {@code mean(d^2) - mean(d)^2}
 * unless that cancels (see {@link #CANCELLATION}), in which case the group takes the general
 * path's two-pass variance. Where the general path finishes in double (mean, variance, scale and
 * the running statistics, each rounded to float once), this path stays in float, with the same
 * formulas (the running variance with the unbiased {@code M / (M - 1)} factor): each value moves
 * by a few ulps, far inside the conformance tolerances.
 */
final class DenseBatchNorm {

  /**
   * The largest input (in elements) taken here: 16 KB, which the passes read from L1. Above
   * it the general path's fixed cost is small against the work and it can split the work over
   * the pool's threads.
   */
  static final int MAX_ELEMENTS = 4096;

  private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
  private static final int L = S.length();
  private static final ByteOrder O = ByteOrder.nativeOrder();
  private static final int BLOCK_ROWS = ColumnSums.BLOCK_ROWS;
  /**
   * Per thread, the mean ({@code [0, L)}) and variance ({@code [L, 2L)}) of the channel group
   * being worked on, handed from the statistics to the passes that use them. One method holding
   * every pass (about fifty vector operations and eighteen arguments) made C1 give up ("out of
   * virtual registers") in some JVMs, which then ran it without C2's vector code: 1.3-8 KB and
   * about 2 us a call. Small methods that meet only through this array compile in every tier.
   */
  private static final ThreadLocal<float[]> STATS = ThreadLocal.withInitial(() -> new float[2 * L]);
  /**
   * The one-pass variance {@code mean(d^2) - mean(d)^2} ({@code d = x - pivot}) is kept when
   * {@code mean(d)^2} is at most this fraction of {@code mean(d^2)}, as in {@link LayerNormRows}:
   * the subtraction then loses at most three bits. Otherwise (the first row far from the mean,
   * NaN, or squares that overflow) the group takes the two-pass variance.
   */
  private static final float CANCELLATION = 7f / 8f;

  private DenseBatchNorm() {}

  /** Whether an input of {@code batch} rows of {@code channels} channels and spatial size fits. */
  static boolean fits(int batch, int channels, int spatial) {
    return spatial == 1 && (long) batch * channels <= MAX_ELEMENTS;
  }

  /**
   * Training forward over {@code x [batch, channels]} at byte offsets of the segments; {@code
   * saveMean} and {@code saveInvStd} may be null. {@code y} may be {@code x}: every value of a
   * channel group is read for its statistics before the group's outputs are written.
   */
  static void trainingForward(MemorySegment x, long xo, MemorySegment gamma, long go,
      MemorySegment beta, long bo, MemorySegment runningMean, long rmo, MemorySegment runningVar,
      long rvo, float momentum, float eps, MemorySegment y, long yo, MemorySegment saveMean,
      long smo, MemorySegment saveInvStd, long sio, int batch, int channels) {
    float[] stats = STATS.get();
    long rowBytes = 4L * channels;
    for (int c = 0; c < channels; c += L) {
      long at = 4L * c;
      int left = channels - c;
      statistics(x, xo + at, rowBytes, batch, left, stats);
      normalize(x, xo + at, y, yo + at, gamma, go + at, beta, bo + at, rowBytes, batch, left, eps,
          stats);
      update(runningMean, rmo + at, runningVar, rvo + at, momentum, batch, left, stats);
      if (saveMean != null || saveInvStd != null) {
        save(saveMean, smo + at, saveInvStd, sio + at, eps, left, stats);
      }
    }
  }

  /**
   * The mean and variance of one group of channels (the first {@code left} lanes from {@code
   * xo}) into {@code stats[0, L)} and {@code stats[L, 2L)}: the one-pass form, or the two-pass
   * one where that would cancel.
   */
  private static void statistics(MemorySegment x, long xo, long rowBytes, int batch, int left,
      float[] stats) {
    VectorMask<Float> m = groupMask(left);
    FloatVector pivot = load(x, xo, m);
    FloatVector sum = FloatVector.zero(S);
    FloatVector squares = sum;
    for (int r0 = 0; r0 < batch; r0 += BLOCK_ROWS) {
      int r1 = Math.min(batch, r0 + BLOCK_ROWS);
      FloatVector s0 = FloatVector.zero(S);
      FloatVector s1 = s0;
      FloatVector q0 = s0;
      FloatVector q1 = s0;
      int r = r0;
      for (; r < r1 - 1; r += 2) {
        long row = xo + r * rowBytes;
        FloatVector d0 = load(x, row, m).sub(pivot);
        FloatVector d1 = load(x, row + rowBytes, m).sub(pivot);
        s0 = s0.add(d0);
        s1 = s1.add(d1);
        q0 = d0.fma(d0, q0);
        q1 = d1.fma(d1, q1);
      }
      if (r < r1) {
        FloatVector d0 = load(x, xo + r * rowBytes, m).sub(pivot);
        s0 = s0.add(d0);
        q0 = d0.fma(d0, q0);
      }
      sum = sum.add(s0.add(s1));
      squares = squares.add(q0.add(q1));
    }
    float perValue = 1f / batch;
    FloatVector offset = sum.mul(perValue);
    FloatVector square = squares.mul(perValue);
    offset.add(pivot).intoArray(stats, 0);
    VectorMask<Float> kept = offset.mul(offset).compare(VectorOperators.LE,
        square.mul(CANCELLATION)).and(square.compare(VectorOperators.NE, Float.POSITIVE_INFINITY));
    if (kept.allTrue()) {
      offset.neg().fma(offset, square).intoArray(stats, L);
    } else {
      twoPassVariance(x, xo, rowBytes, batch, left, stats);
    }
  }

  /** {@code stats[L, 2L) = mean((x - mean)^2)}, the mean read from {@code stats[0, L)}. */
  private static void twoPassVariance(MemorySegment x, long xo, long rowBytes, int batch,
      int left, float[] stats) {
    VectorMask<Float> m = groupMask(left);
    FloatVector mean = FloatVector.fromArray(S, stats, 0);
    FloatVector squares = FloatVector.zero(S);
    for (int r0 = 0; r0 < batch; r0 += BLOCK_ROWS) {
      int r1 = Math.min(batch, r0 + BLOCK_ROWS);
      FloatVector block = FloatVector.zero(S);
      for (int r = r0; r < r1; r++) {
        FloatVector d = load(x, xo + r * rowBytes, m).sub(mean);
        block = d.fma(d, block);
      }
      squares = squares.add(block);
    }
    squares.mul(1f / batch).intoArray(stats, L);
  }

  /** {@code y = (x - mean) * gamma / sqrt(var + eps) + beta} for one group of channels. */
  private static void normalize(MemorySegment x, long xo, MemorySegment y, long yo,
      MemorySegment gamma, long go, MemorySegment beta, long bo, long rowBytes, int batch,
      int left, float eps, float[] stats) {
    VectorMask<Float> m = groupMask(left);
    FloatVector mean = FloatVector.fromArray(S, stats, 0);
    FloatVector std = FloatVector.fromArray(S, stats, L).add(eps).sqrt();
    FloatVector scale = load(gamma, go, m).div(std);
    FloatVector shift = load(beta, bo, m);
    for (int r = 0; r < batch; r++) {
      long row = r * rowBytes;
      FloatVector d = load(x, xo + row, m).sub(mean);
      store(d.fma(scale, shift), y, yo + row, m);
    }
  }

  /** The running statistics of one group: PyTorch's rule, the variance made unbiased. */
  private static void update(MemorySegment runningMean, long rmo, MemorySegment runningVar,
      long rvo, float momentum, int batch, int left, float[] stats) {
    VectorMask<Float> m = groupMask(left);
    FloatVector weight = FloatVector.broadcast(S, momentum);
    float keep = 1f - momentum;
    FloatVector oldMean = load(runningMean, rmo, m);
    store(FloatVector.fromArray(S, stats, 0).fma(weight, oldMean.mul(keep)), runningMean, rmo, m);
    FloatVector oldVar = load(runningVar, rvo, m);
    store(FloatVector.fromArray(S, stats, L).mul((float) batch / (batch - 1))
        .fma(weight, oldVar.mul(keep)), runningVar, rvo, m);
  }

  /** {@code saveMean = mean} and {@code saveInvStd = 1 / sqrt(var + eps)}, where not null. */
  private static void save(MemorySegment saveMean, long smo, MemorySegment saveInvStd, long sio,
      float eps, int left, float[] stats) {
    VectorMask<Float> m = groupMask(left);
    if (saveMean != null) {
      store(FloatVector.fromArray(S, stats, 0), saveMean, smo, m);
    }
    if (saveInvStd != null) {
      FloatVector std = FloatVector.fromArray(S, stats, L).add(eps).sqrt();
      store(FloatVector.broadcast(S, 1f).div(std), saveInvStd, sio, m);
    }
  }

  /**
   * The mask of a group of {@code left} channels from its first: null for a whole group, whose
   * accesses then go unmasked ({@link #load}, {@link #store}). On AMD Zen 3 a masked 256-bit store
   * ({@code vmaskmovps}) is microcoded: an [8, 8] call, one whole group with ten masked stores,
   * took 135-176 ns of CPU time against 103-128 unmasked (medians, three JVMs each).
   */
  private static VectorMask<Float> groupMask(int left) {
    return left >= L ? null : S.indexInRange(0, left);
  }

  /** A group's vector at byte {@code at}, masked unless {@code m} is null (a whole group). */
  private static FloatVector load(MemorySegment s, long at, VectorMask<Float> m) {
    return m == null ? fromMemorySegment(S, s, at, O) : fromMemorySegment(S, s, at, O, m);
  }

  /** Stores a group's vector at byte {@code at}, masked unless {@code m} is null. */
  private static void store(FloatVector v, MemorySegment s, long at, VectorMask<Float> m) {
    if (m == null) {
      v.intoMemorySegment(s, at, O);
    } else {
      v.intoMemorySegment(s, at, O, m);
    }
  }
}
