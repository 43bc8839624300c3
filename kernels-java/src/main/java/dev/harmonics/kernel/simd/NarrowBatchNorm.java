package dev.harmonics.kernel.simd;

import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DenseBatchNorm} for inputs of exactly half a vector of channels ({@code [N, C]} with
 * {@code C} half the lanes, e.g. [8, 8] at 16 lanes): the same passes and formulas, on vectors of
 * half the width, so that a row of channels is one whole vector and no access needs a mask.
 *
 * <p>At full width every access to such an input is masked, and most reach past the end of their
 * segment (the last row of {@code x}, the {@code [C]} parameters and running statistics), which
 * the Vector API answers with a lane-by-lane bounds check. Half-width vectors with masks stayed
 * inside the segments and took the kernel alone from 93 to 56 ns on [8, 8] (CPU time); dropping
 * the masks, which only whole rows allow, took it to 28 ns. Only where the half width has at
 * least four lanes (256- and 512-bit vectors); other inputs take {@link DenseBatchNorm}.
 *
 * <p>The methods are separate and meet through a per-thread array for the reason {@link
 * DenseBatchNorm} gives (C1 bailing out of one method holding every pass).
 */
final class NarrowBatchNorm {

  private static final VectorSpecies<Float> H = VectorSpecies.of(float.class,
      VectorShape.forBitSize(Math.max(64, SimdSpecies.FLOAT.vectorBitSize() / 2)));
  private static final int L = H.length();
  private static final ByteOrder O = ByteOrder.nativeOrder();
  private static final int BLOCK_ROWS = ColumnSums.BLOCK_ROWS;
  /** Per thread: the mean ({@code [0, L)}) and variance ({@code [L, 2L)}) of the channels. */
  private static final ThreadLocal<float[]> STATS = ThreadLocal.withInitial(() -> new float[2 * L]);
  /** As {@link DenseBatchNorm}'s: where the one-pass variance would cancel, take two passes. */
  private static final float CANCELLATION = 7f / 8f;

  private NarrowBatchNorm() {}

  /** Whether {@code [batch, channels]} (spatial size 1) fits: rows of one half-width vector. */
  static boolean fits(int batch, int channels, int spatial) {
    return L >= 4 && spatial == 1 && channels == L
        && (long) batch * channels <= DenseBatchNorm.MAX_ELEMENTS;
  }

  /** As {@link DenseBatchNorm#trainingForward}, for {@code channels} equal to the half lanes. */
  static void trainingForward(MemorySegment x, long xo, MemorySegment gamma, long go,
      MemorySegment beta, long bo, MemorySegment runningMean, long rmo, MemorySegment runningVar,
      long rvo, float momentum, float eps, MemorySegment y, long yo, MemorySegment saveMean,
      long smo, MemorySegment saveInvStd, long sio, int batch, int channels) {
    float[] stats = STATS.get();
    assert channels == L;
    long rowBytes = 4L * L;
    statistics(x, xo, rowBytes, batch, stats);
    normalize(x, xo, y, yo, gamma, go, beta, bo, rowBytes, batch, eps, stats);
    update(runningMean, rmo, runningVar, rvo, momentum, batch, stats);
    if (saveMean != null || saveInvStd != null) {
      save(saveMean, smo, saveInvStd, sio, eps, stats);
    }
  }

  /** The mean and variance into {@code stats}, one-pass unless that would cancel. */
  private static void statistics(MemorySegment x, long xo, long rowBytes, int batch,
      float[] stats) {
    FloatVector pivot = fromMemorySegment(H, x, xo, O);
    FloatVector sum = FloatVector.zero(H);
    FloatVector squares = sum;
    for (int r0 = 0; r0 < batch; r0 += BLOCK_ROWS) {
      int r1 = Math.min(batch, r0 + BLOCK_ROWS);
      FloatVector s0 = FloatVector.zero(H);
      FloatVector s1 = s0;
      FloatVector q0 = s0;
      FloatVector q1 = s0;
      int r = r0;
      for (; r < r1 - 1; r += 2) {
        long row = xo + r * rowBytes;
        FloatVector d0 = fromMemorySegment(H, x, row, O).sub(pivot);
        FloatVector d1 = fromMemorySegment(H, x, row + rowBytes, O).sub(pivot);
        s0 = s0.add(d0);
        s1 = s1.add(d1);
        q0 = d0.fma(d0, q0);
        q1 = d1.fma(d1, q1);
      }
      if (r < r1) {
        FloatVector d0 = fromMemorySegment(H, x, xo + r * rowBytes, O).sub(pivot);
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
      twoPassVariance(x, xo, rowBytes, batch, stats);
    }
  }

  /** {@code stats[L, 2L) = mean((x - mean)^2)}, the mean read from {@code stats[0, L)}. */
  private static void twoPassVariance(MemorySegment x, long xo, long rowBytes, int batch,
      float[] stats) {
    FloatVector mean = FloatVector.fromArray(H, stats, 0);
    FloatVector squares = FloatVector.zero(H);
    for (int r0 = 0; r0 < batch; r0 += BLOCK_ROWS) {
      int r1 = Math.min(batch, r0 + BLOCK_ROWS);
      FloatVector block = FloatVector.zero(H);
      for (int r = r0; r < r1; r++) {
        FloatVector d = fromMemorySegment(H, x, xo + r * rowBytes, O).sub(mean);
        block = d.fma(d, block);
      }
      squares = squares.add(block);
    }
    squares.mul(1f / batch).intoArray(stats, L);
  }

  /** {@code y = (x - mean) * gamma / sqrt(var + eps) + beta}. */
  private static void normalize(MemorySegment x, long xo, MemorySegment y, long yo,
      MemorySegment gamma, long go, MemorySegment beta, long bo, long rowBytes, int batch,
      float eps, float[] stats) {
    FloatVector mean = FloatVector.fromArray(H, stats, 0);
    FloatVector std = FloatVector.fromArray(H, stats, L).add(eps).sqrt();
    FloatVector scale = fromMemorySegment(H, gamma, go, O).div(std);
    FloatVector shift = fromMemorySegment(H, beta, bo, O);
    for (int r = 0; r < batch; r++) {
      long row = r * rowBytes;
      FloatVector d = fromMemorySegment(H, x, xo + row, O).sub(mean);
      d.fma(scale, shift).intoMemorySegment(y, yo + row, O);
    }
  }

  /** The running statistics: PyTorch's rule, the variance made unbiased. */
  private static void update(MemorySegment runningMean, long rmo, MemorySegment runningVar,
      long rvo, float momentum, int batch, float[] stats) {
    FloatVector weight = FloatVector.broadcast(H, momentum);
    float keep = 1f - momentum;
    FloatVector oldMean = fromMemorySegment(H, runningMean, rmo, O);
    FloatVector.fromArray(H, stats, 0).fma(weight, oldMean.mul(keep))
        .intoMemorySegment(runningMean, rmo, O);
    FloatVector oldVar = fromMemorySegment(H, runningVar, rvo, O);
    FloatVector.fromArray(H, stats, L).mul((float) batch / (batch - 1))
        .fma(weight, oldVar.mul(keep)).intoMemorySegment(runningVar, rvo, O);
  }

  /** {@code saveMean = mean} and {@code saveInvStd = 1 / sqrt(var + eps)}, where not null. */
  private static void save(MemorySegment saveMean, long smo, MemorySegment saveInvStd, long sio,
      float eps, float[] stats) {
    if (saveMean != null) {
      FloatVector.fromArray(H, stats, 0).intoMemorySegment(saveMean, smo, O);
    }
    if (saveInvStd != null) {
      FloatVector std = FloatVector.fromArray(H, stats, L).add(eps).sqrt();
      FloatVector.broadcast(H, 1f).div(std).intoMemorySegment(saveInvStd, sio, O);
    }
  }
}
