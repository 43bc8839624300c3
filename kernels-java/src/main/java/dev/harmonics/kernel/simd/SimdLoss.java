package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.LossKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Vector API loss kernels. Cross-entropy runs row by row, fused with the softmax: the maximum, then
 * {@code exp(z - max)} written straight into {@code dlogits} while it is summed, then one pass that
 * rescales that row in place into the gradient. The loss needs only scalars from those passes, so
 * the logits are read twice, each exponential is computed once, and no probability row is
 * materialised anywhere else. (Smoothing, and probability targets, add one reduction pass.)
 *
 * <p>Rows of at most one vector take {@link OneVectorCrossEntropy}, which keeps each row in a
 * register, and rows of at most two {@link TwoVectorCrossEntropy}. A call small enough for one
 * slice runs its rows directly, with no lambda or parts array, so a small call allocates nothing.
 *
 * <p>Rows (or, for MSE, chunks of elements) are split into slices that run in parallel; each slice
 * sums its losses in double and the slices are added in order, so the result depends on the pool
 * size but not on thread timing.
 */
final class SimdLoss extends LossKernels {

  /** Below about this many elements a task costs more to hand off than it saves. */
  private static final int GRAIN = 1 << 14;

  /** The loss of rows (or elements) {@code [from, to)}. */
  @FunctionalInterface
  private interface RangeSum {
    double sum(int from, int to);
  }

  @Override
  protected float doSoftmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex,
      float labelSmoothing, Tensor dlogits, int rows, int classes, int counted) {
    MemorySegment zs = logits.storage();
    long zo = logits.byteOffset();
    MemorySegment ls = labels.storage();
    long lo = labels.byteOffset();
    MemorySegment ds = dlogits == null ? null : dlogits.storage();
    long dOff = dlogits == null ? 0 : dlogits.byteOffset();
    int grain = Math.max(1, GRAIN / classes);
    double total;
    // a call smaller than one grain is one slice: no divisions to find out
    if ((long) rows * classes > GRAIN && slices(rows, grain) > 1) {
      total = sliced(rows, grain, (from, to) -> labelRowsByWidth(zs, zo, ls, lo, ds, dOff,
          classes, ignoreIndex, labelSmoothing, counted, from, to));
    } else {
      total = labelRowsByWidth(zs, zo, ls, lo, ds, dOff, classes, ignoreIndex, labelSmoothing,
          counted, 0, rows);
    }
    // a multiply: on a small call the division would be the last link of the chain
    return (float) (total * (1.0 / counted));
  }

  /**
   * {@link #labelRows} by the path for the row width: rows of one vector or of two kept in
   * registers, others by the general loops.
   */
  private static double labelRowsByWidth(MemorySegment zs, long zo, MemorySegment ls, long lo,
      MemorySegment ds, long dOff, int classes, int ignoreIndex, double eps, int counted,
      int from, int to) {
    if (OneVectorCrossEntropy.fits(classes)) {
      return OneVectorCrossEntropy.rows(zs, zo, ls, lo, ds, dOff, classes, ignoreIndex, eps,
          counted, from, to);
    }
    if (TwoVectorCrossEntropy.fits(classes)) {
      return TwoVectorCrossEntropy.rows(zs, zo, ls, lo, ds, dOff, classes, ignoreIndex, eps,
          counted, from, to);
    }
    return labelRows(zs, zo, ls, lo, ds, dOff, classes, ignoreIndex, eps, counted, from, to);
  }

  /**
   * The summed loss of label rows {@code [from, to)}, writing their gradient rows when {@code ds}
   * is not null. A static method with every operand as an argument, so that a call small enough
   * for one slice runs it directly, without the capturing lambda and the parts array of {@link
   * #sliced}.
   */
  private static double labelRows(MemorySegment zs, long zo, MemorySegment ls, long lo,
      MemorySegment ds, long dOff, int classes, int ignoreIndex, double eps, int counted,
      int from, int to) {
    float smooth = (float) (-eps / ((double) classes * counted));
    float hit = (float) ((1 - eps) / counted);
    double part = 0;
    for (int r = from; r < to; r++) {
      long zr = zo + 4L * r * classes;
      long dr = dOff + 4L * r * classes;
      int labelIndex = ls.get(ValueLayout.JAVA_INT, lo + 4L * r);
      if (labelIndex == ignoreIndex) {
        if (ds != null) {
          ds.asSlice(dr, 4L * classes).fill((byte) 0);
        }
        continue;
      }
      // everything read from the logits is read before the exponentials are stored, which
      // may overwrite them (dlogits may be logits)
      float max = SoftmaxRows.max(zs, zr, classes);
      double labelLogit = (double) zs.get(ValueLayout.JAVA_FLOAT, zr + 4L * labelIndex) - max;
      double mean = eps > 0 ? (double) NormRows.sumShifted(zs, zr, classes, max) / classes : 0;
      float sum = ds != null
          ? SoftmaxRows.expStore(zs, zr, ds, dr, classes, max)
          : SoftmaxRows.expSum(zs, zr, classes, max);
      double logSum = Math.log(sum);
      part += (1 - eps) * (logSum - labelLogit);
      if (eps > 0) {
        part += eps * (logSum - mean);
      }
      if (ds != null) {
        LossRows.scaleShift(ds, dr, classes, (float) (1.0 / ((double) sum * counted)), smooth);
        long at = dr + 4L * labelIndex;
        ds.set(ValueLayout.JAVA_FLOAT, at, ds.get(ValueLayout.JAVA_FLOAT, at) - hit);
      }
    }
    return part;
  }

  @Override
  protected float doSoftmaxCrossEntropyWithProbabilities(Tensor logits, Tensor targets,
      float labelSmoothing, Tensor dlogits, int rows, int classes) {
    MemorySegment zs = logits.storage();
    long zo = logits.byteOffset();
    MemorySegment ts = targets.storage();
    long to0 = targets.byteOffset();
    MemorySegment ds = dlogits == null ? null : dlogits.storage();
    long dOff = dlogits == null ? 0 : dlogits.byteOffset();
    double eps = labelSmoothing;
    float targetScale = (float) (-(1 - eps) / rows);
    float smooth = (float) (-eps / ((double) classes * rows));
    double total = sliced(rows, Math.max(1, GRAIN / classes), (from, to) -> {
      double[] sums = new double[2];
      double part = 0;
      for (int r = from; r < to; r++) {
        long zr = zo + 4L * r * classes;
        long tr = to0 + 4L * r * classes;
        long dr = dOff + 4L * r * classes;
        float max = SoftmaxRows.max(zs, zr, classes);
        LossRows.targetSums(ts, tr, zs, zr, classes, max, sums);
        double mass = sums[0];
        double weighted = sums[1];
        if (eps > 0) {
          mass = (1 - eps) * mass + eps;
          weighted = (1 - eps) * weighted
              + eps / classes * NormRows.sumShifted(zs, zr, classes, max);
        }
        float sum = ds != null
            ? SoftmaxRows.expStore(zs, zr, ds, dr, classes, max)
            : SoftmaxRows.expSum(zs, zr, classes, max);
        part += mass * Math.log(sum) - weighted;
        if (ds != null) {
          float probScale = (float) (mass / ((double) sum * rows));
          LossRows.mix(ds, dr, ts, tr, classes, probScale, targetScale, smooth);
        }
      }
      return part;
    });
    return (float) (total / rows);
  }

  @Override
  protected float doMse(Tensor prediction, Tensor target, int size) {
    MemorySegment ps = prediction.storage();
    long po = prediction.byteOffset();
    MemorySegment ts = target.storage();
    long to0 = target.byteOffset();
    double total = sliced(size, GRAIN, (from, to) ->
        LossRows.squaredError(ps, po + 4L * from, ts, to0 + 4L * from, to - from));
    return (float) (total / size);
  }

  @Override
  protected void doMseBackward(Tensor prediction, Tensor target, Tensor dprediction, int size) {
    MemorySegment ps = prediction.storage();
    long po = prediction.byteOffset();
    MemorySegment ts = target.storage();
    long to0 = target.byteOffset();
    MemorySegment ds = dprediction.storage();
    long dOff = dprediction.byteOffset();
    float scale = (float) (2.0 / size);
    KernelPool.shared().parallelFor(size, GRAIN, (from, to) ->
        LossRows.scaledDifference(ps, po + 4L * from, ts, to0 + 4L * from, ds, dOff + 4L * from,
            to - from, scale));
  }

  /** How many slices {@link #sliced} splits {@code count} items of this {@code grain} into. */
  private static int slices(int count, int grain) {
    return (int) Math.max(1, Math.min(KernelPool.shared().parallelism(),
        (long) count / Math.max(1, grain)));
  }

  /**
   * {@code body} summed over {@code [0, count)}: slices of at least {@code grain} items, one per
   * thread at most, run in parallel and their sums are added in order.
   */
  private static double sliced(int count, int grain, RangeSum body) {
    int slices = slices(count, grain);
    double[] parts = new double[slices];
    KernelPool.shared().parallelFor(slices, 1, (from, to) -> {
      for (int s = from; s < to; s++) {
        int lo = (int) ((long) count * s / slices);
        int hi = (int) ((long) count * (s + 1) / slices);
        parts[s] = body.sum(lo, hi);
      }
    });
    double total = 0;
    for (double part : parts) {
      total += part;
    }
    return total;
  }
}
