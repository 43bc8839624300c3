package dev.harmonics.kernel;

import static dev.harmonics.kernel.PointwiseChecks.requireDisjoint;
import static dev.harmonics.kernel.PointwiseChecks.requireFloat;
import static dev.harmonics.kernel.PointwiseChecks.requireSameShape;

import dev.harmonics.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Sum, mean and max over a set of axes, and their backward, on contiguous float32 tensors.
 *
 * <p><b>Output shape.</b> The output has the input's shape with each reduced axis either kept as
 * size 1 ("keepdims") or removed; both are accepted, since their elements are in the same order
 * ({@link #reducedShape}). Reducing every axis gives shape [1, ..., 1] or [] (a rank-0 tensor of
 * one element). Axes may be negative (counting from the end) and in any order, but not repeated; an
 * empty axis list reduces nothing (the output is a copy, as NumPy).
 *
 * <p><b>Special values.</b> NaN propagates: a slice containing NaN sums to NaN and has max NaN.
 * The sum of an empty slice is 0 and its mean NaN (0/0); max over an empty slice is an error.
 * Sums are accumulated in double by the reference and in float blocks folded into double by the
 * SIMD backend, so results may differ by a few float ulps of the sum of magnitudes.
 *
 * <p>Public methods validate their arguments and throw {@link IllegalArgumentException} naming the
 * parameter; implementations only assert. Outputs are written, never accumulated into, and must
 * not overlap the inputs. The {@code reduced} masks handed to the protected kernels are read-only:
 * for tensors of rank up to 4 they are shared constants, so that a call allocates no mask.
 */
public abstract class ReductionKernels {

  /** Ranks whose axis masks are precomputed and shared (every subset of axes: 31 arrays). */
  private static final int SHARED_MASK_RANK = 4;
  private static final boolean[][][] SHARED_MASKS = sharedMasks();

  protected ReductionKernels() {}

  /**
   * The shape of a reduction of {@code shape} over {@code axes}: reduced axes become 1 when {@code
   * keepDims}, otherwise they are removed.
   */
  public static int[] reducedShape(int[] shape, boolean keepDims, int... axes) {
    boolean[] reduced = axesMask(shape, axes);
    int kept = 0;
    for (boolean r : reduced) {
      kept += r ? 0 : 1;
    }
    int[] out = new int[keepDims ? shape.length : kept];
    for (int d = 0, o = 0; d < shape.length; d++) {
      if (!reduced[d]) {
        out[o++] = shape[d];
      } else if (keepDims) {
        out[o++] = 1;
      }
    }
    return out;
  }

  /** {@code out = sum of x over axes}. */
  public final void sum(Tensor x, Tensor out, int... axes) {
    boolean[] reduced = checkReduction("x", x, "out", out, axes);
    sumKernel(x, reduced, 1, out);
  }

  /** {@code out = sum of x over axes / number of elements summed}; NaN for an empty slice. */
  public final void mean(Tensor x, Tensor out, int... axes) {
    boolean[] reduced = checkReduction("x", x, "out", out, axes);
    sumKernel(x, reduced, reducedCount(x.shape(), reduced), out);
  }

  /** {@code out = max of x over axes}; NaN if the slice has a NaN; +0 counts as above -0. */
  public final void max(Tensor x, Tensor out, int... axes) {
    boolean[] reduced = checkReduction("x", x, "out", out, axes);
    if (reducedCount(x.shape(), reduced) == 0 && out.size() > 0) {
      throw new IllegalArgumentException("x: " + x.describe() + " has no elements along axes "
          + Arrays.toString(axes) + " (expected: at least one to take the max of)");
    }
    maxKernel(x, reduced, out);
  }

  /**
   * Backward of {@link #sum}: every element of {@code dx} receives the gradient of the output
   * element it was summed into.
   *
   * @param dy gradient of the output, the reduced shape (keepdims or not)
   * @param dx gradient of the input (written), whose shape defines the reduction
   */
  public final void sumBackward(Tensor dy, Tensor dx, int... axes) {
    boolean[] reduced = checkReduction("dx", dx, "dy", dy, axes);
    broadcastKernel(dy, reduced, 1f, dx);
  }

  /** Backward of {@link #mean}: as {@link #sumBackward}, divided by the slice size. */
  public final void meanBackward(Tensor dy, Tensor dx, int... axes) {
    boolean[] reduced = checkReduction("dx", dx, "dy", dy, axes);
    broadcastKernel(dy, reduced, 1f / reducedCount(dx.shape(), reduced), dx);
  }

  /**
   * Backward of {@link #max}: each output's gradient goes to one input element, the first in
   * row-major order within its slice that equals the max (a NaN max picks the first NaN); every
   * other element of {@code dx} is 0. Ties therefore do not split the gradient.
   *
   * @param x the forward input
   * @param y the forward output, {@code max(x, axes)}, the reduced shape
   * @param dy gradient of the output, the reduced shape
   * @param dx gradient of the input (written), the shape of x
   */
  public final void maxBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, int... axes) {
    boolean[] reduced = checkReduction("x", x, "y", y, axes);
    requireFloat("dy", dy);
    requireSameShape("dy", dy, "y", y);
    requireFloat("dx", dx);
    requireSameShape("dx", dx, "x", x);
    requireDisjoint("dx", dx, "x", x);
    requireDisjoint("dx", dx, "y", y);
    requireDisjoint("dx", dx, "dy", dy);
    maxBackwardKernel(x, y, dy, reduced, dx);
  }

  /**
   * Writes {@code out = sum(x over reduced axes) / divisor}, with the division in double so that
   * a divisor of 0 gives NaN (or inf, for a non-zero sum).
   */
  protected abstract void sumKernel(Tensor x, boolean[] reduced, int divisor, Tensor out);

  /** Writes {@code out = max(x over reduced axes)}; every slice is non-empty. */
  protected abstract void maxKernel(Tensor x, boolean[] reduced, Tensor out);

  /** Writes {@code dx[i] = scale * dy[slice of i]}. */
  protected abstract void broadcastKernel(Tensor dy, boolean[] reduced, float scale, Tensor dx);

  /** Writes the max backward described at {@link #maxBackward}. */
  protected abstract void maxBackwardKernel(
      Tensor x, Tensor y, Tensor dy, boolean[] reduced, Tensor dx);

  /**
   * Element strides of the (keepdims) output of a reduction of {@code shape}, seen over
   * {@code shape}: 0 along the reduced axes. For backends iterating input and output together.
   */
  protected static long[] outputStrides(int[] shape, boolean[] reduced) {
    int[] kept = shape.clone();
    for (int d = 0; d < shape.length; d++) {
      if (reduced[d]) {
        kept[d] = 1;
      }
    }
    return Broadcasting.strides(kept, shape);
  }

  /** Validates a reduction of {@code full} to {@code part}; returns the reduced-axes mask. */
  private static boolean[] checkReduction(
      String fullName, Tensor full, String partName, Tensor part, int[] axes) {
    requireFloat(fullName, full);
    requireFloat(partName, part);
    Objects.requireNonNull(axes, "axes");
    boolean[] reduced;
    try {
      reduced = axesMask(full.rank(), axes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "axes " + Arrays.toString(axes) + " for " + fullName + ": " + full.describe() + ": "
              + e.getMessage(), e);
    }
    if (!isReduction(full, reduced, part, true) && !isReduction(full, reduced, part, false)) {
      int[] keep = reducedShape(full.shape(), true, axes);
      int[] drop = reducedShape(full.shape(), false, axes);
      throw new IllegalArgumentException(partName + ": " + part.describe() + " (expected: "
          + Arrays.toString(keep) + " or " + Arrays.toString(drop) + ", " + fullName + ": "
          + full.describe() + " reduced over axes " + Arrays.toString(axes) + ")");
    }
    requireDisjoint(partName, part, fullName, full);
    return reduced;
  }

  /**
   * Whether {@code part} has the shape of {@code full} reduced by the mask, with reduced axes kept
   * as 1 or dropped. Compares dimension by dimension so that a passing check allocates nothing.
   */
  private static boolean isReduction(Tensor full, boolean[] reduced, Tensor part,
      boolean keepDims) {
    int p = 0;
    for (int d = 0; d < reduced.length; d++) {
      if (reduced[d] && !keepDims) {
        continue;
      }
      int expected = reduced[d] ? 1 : full.dim(d);
      if (p >= part.rank() || part.dim(p) != expected) {
        return false;
      }
      p++;
    }
    return p == part.rank();
  }

  private static boolean[] axesMask(int[] shape, int[] axes) {
    return axesMask(shape.length, axes);
  }

  private static boolean[] axesMask(int rank, int[] axes) {
    if (rank <= SHARED_MASK_RANK) {
      int bits = 0;
      for (int axis : axes) {
        int d = axisIndex(axis, rank);
        if ((bits & (1 << d)) != 0) {
          throw repeated(axis);
        }
        bits |= 1 << d;
      }
      return SHARED_MASKS[rank][bits];
    }
    boolean[] reduced = new boolean[rank];
    for (int axis : axes) {
      int d = axisIndex(axis, rank);
      if (reduced[d]) {
        throw repeated(axis);
      }
      reduced[d] = true;
    }
    return reduced;
  }

  private static int axisIndex(int axis, int rank) {
    int d = axis < 0 ? axis + rank : axis;
    if (d < 0 || d >= rank) {
      throw new IllegalArgumentException("axis " + axis + " is out of range (expected: -"
          + rank + " <= axis < " + rank + ")");
    }
    return d;
  }

  private static IllegalArgumentException repeated(int axis) {
    return new IllegalArgumentException("axis " + axis + " is repeated");
  }

  /** {@code SHARED_MASKS[rank][bits]}: the mask with axis d reduced where bit d is set. */
  private static boolean[][][] sharedMasks() {
    boolean[][][] masks = new boolean[SHARED_MASK_RANK + 1][][];
    for (int rank = 0; rank <= SHARED_MASK_RANK; rank++) {
      masks[rank] = new boolean[1 << rank][rank];
      for (int bits = 0; bits < 1 << rank; bits++) {
        for (int d = 0; d < rank; d++) {
          masks[rank][bits][d] = (bits & (1 << d)) != 0;
        }
      }
    }
    return masks;
  }

  private static int reducedCount(int[] shape, boolean[] reduced) {
    int n = 1;
    for (int d = 0; d < shape.length; d++) {
      n *= reduced[d] ? shape[d] : 1;
    }
    return n;
  }
}
