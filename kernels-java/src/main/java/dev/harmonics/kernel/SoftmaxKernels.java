package dev.harmonics.kernel;

import static dev.harmonics.kernel.PointwiseChecks.requireSameOrDisjoint;
import static dev.harmonics.kernel.TensorChecks.requireSameShape;
import static dev.harmonics.kernel.TensorChecks.requireFloat;

import dev.harmonics.tensor.Tensor;

/**
 * Softmax and log-softmax along any axis of an n-dimensional float32 tensor, forward and backward.
 *
 * <p>Along the chosen axis, for each line {@code x} of that axis's length: {@code softmax(x) =
 * exp(x - max(x)) / sum(exp(x - max(x)))} and {@code logSoftmax(x) = x - max(x) - log(sum(exp(x -
 * max(x))))}. Subtracting the maximum makes every exponent {@code <= 0}, so nothing overflows
 * however large the inputs are.
 *
 * <p>Special values follow PyTorch, because the formula produces exactly that: a {@code -inf} entry
 * gets probability 0 (log-probability {@code -inf}) as long as the line has a finite entry; a line
 * that is all {@code -inf} gives NaN everywhere (there is no distribution to speak of); a {@code
 * +inf} or NaN anywhere in a line makes the whole line NaN. The backward kernels propagate NaN the
 * same way.
 *
 * <p>Tensors must be float32 and contiguous; outputs are caller-allocated and overwritten, and
 * either are the very tensor they may replace or share no memory with the inputs (a partial
 * overlap would make the result depend on the order rows are visited). The public methods
 * validate and throw {@link IllegalArgumentException} naming the bad argument, before anything is
 * written; implementations only assert.
 */
public abstract class SoftmaxKernels {

  protected SoftmaxKernels() {}

  /**
   * {@code y = softmax(x)} along {@code axis}.
   *
   * @param x input of any rank {@code >= 1}
   * @param axis the dimension to normalise over; negative values count from the end
   * @param y output, the shape of {@code x}; may be {@code x} itself
   */
  public final void softmax(Tensor x, int axis, Tensor y) {
    int a = checkForward(x, axis, y);
    doSoftmax(x, y, outer(x, a), x.dim(a), inner(x, a), false);
  }

  /**
   * {@code y = logSoftmax(x)} along {@code axis}.
   *
   * @param x input of any rank {@code >= 1}
   * @param axis the dimension to normalise over; negative values count from the end
   * @param y output, the shape of {@code x}; may be {@code x} itself
   */
  public final void logSoftmax(Tensor x, int axis, Tensor y) {
    int a = checkForward(x, axis, y);
    doSoftmax(x, y, outer(x, a), x.dim(a), inner(x, a), true);
  }

  /**
   * Gradient of {@link #softmax} from its output: {@code dx = y * (dy - sum(dy * y))}, the sum
   * along {@code axis}.
   *
   * @param y the forward output
   * @param dy gradient of the loss with respect to {@code y}, the shape of {@code y}
   * @param axis the forward's axis
   * @param dx output, the shape of {@code y}; may be {@code dy}
   */
  public final void softmaxBackward(Tensor y, Tensor dy, int axis, Tensor dx) {
    int a = checkBackward(y, dy, axis, dx);
    doSoftmaxBackward(y, dy, dx, outer(y, a), y.dim(a), inner(y, a), false);
  }

  /**
   * Gradient of {@link #logSoftmax} from its output: {@code dx = dy - exp(y) * sum(dy)}, the sum
   * along {@code axis}.
   *
   * @param y the forward output (log-probabilities)
   * @param dy gradient of the loss with respect to {@code y}, the shape of {@code y}
   * @param axis the forward's axis
   * @param dx output, the shape of {@code y}; may be {@code dy}
   */
  public final void logSoftmaxBackward(Tensor y, Tensor dy, int axis, Tensor dx) {
    int a = checkBackward(y, dy, axis, dx);
    doSoftmaxBackward(y, dy, dx, outer(y, a), y.dim(a), inner(y, a), true);
  }

  /**
   * Runs {@code target}'s implementation without checking the arguments again, for a backend
   * whose public method has already checked them and hands the call to another backend (the
   * native backend's small calls): a second check cost 10-15 ns of a 64-element call.
   */
  protected static void softmaxUnchecked(SoftmaxKernels target, Tensor x, Tensor y, int outer,
      int length, int inner, boolean log) {
    target.doSoftmax(x, y, outer, length, inner, log);
  }

  /**
   * Arguments checked. The tensors are {@code [outer, length, inner]} in memory and the axis is the
   * middle one; {@code inner == 1} when it is the last axis.
   */
  protected abstract void doSoftmax(Tensor x, Tensor y, int outer, int length, int inner,
      boolean log);

  /** Arguments checked; layout as in {@link #doSoftmax}. */
  protected abstract void doSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, int outer,
      int length, int inner, boolean log);

  private static int checkForward(Tensor x, int axis, Tensor y) {
    requireFloat("x", x);
    int a = checkAxis(axis, x, "x");
    requireFloat("y", y);
    requireSameShape("y", y, "x", x);
    requireSameOrDisjoint("y", y, "x", x);
    return a;
  }

  private static int checkBackward(Tensor y, Tensor dy, int axis, Tensor dx) {
    requireFloat("y", y);
    int a = checkAxis(axis, y, "y");
    requireFloat("dy", dy);
    requireSameShape("dy", dy, "y", y);
    requireFloat("dx", dx);
    requireSameShape("dx", dx, "y", y);
    requireSameOrDisjoint("dx", dx, "dy", dy);
    requireSameOrDisjoint("dx", dx, "y", y);
    return a;
  }

  private static int checkAxis(int axis, Tensor t, String name) {
    int rank = t.rank();
    if (rank == 0) {
      throw new IllegalArgumentException(
          name + ": " + t.describe() + " (expected: rank >= 1 to have an axis)");
    }
    if (axis < -rank || axis >= rank) {
      throw new IllegalArgumentException("axis: " + axis + " (expected: " + -rank + " <= axis < "
          + rank + " for " + name + ": " + t.describe() + ")");
    }
    return axis < 0 ? axis + rank : axis;
  }

  private static int outer(Tensor t, int axis) {
    int n = 1;
    for (int d = 0; d < axis; d++) {
      n *= t.dim(d);
    }
    return n;
  }

  private static int inner(Tensor t, int axis) {
    int n = 1;
    for (int d = axis + 1; d < t.rank(); d++) {
      n *= t.dim(d);
    }
    return n;
  }
}
