package dev.harmonics.kernel;

import static dev.harmonics.kernel.PointwiseChecks.requireFloat;
import static dev.harmonics.kernel.PointwiseChecks.requireSameOrDisjoint;
import static dev.harmonics.kernel.PointwiseChecks.requireSameShape;

import dev.harmonics.tensor.Tensor;
import java.util.Objects;

/**
 * Point-wise activation functions ({@link Activation}) and PReLU with a learnable per-channel
 * slope, forward and backward, on contiguous float32 tensors of any shape.
 *
 * <p>Public methods validate their arguments and throw {@link IllegalArgumentException} naming the
 * parameter; implementations only assert. Outputs are written, never accumulated into. An output
 * may be the very same tensor as an input of its shape (in place, for example {@code forward(f,
 * alpha, x, x)} or {@code dx == dy}); an output that partly overlaps an input is rejected.
 *
 * <p>Semantics, edge cases (NaN, infinities, kinks) and precision are those of {@link Activation};
 * the SIMD backend approximates the transcendental functions in float and states its tolerances in
 * its tests.
 */
public abstract class ActivationKernels {

  protected ActivationKernels() {}

  /**
   * {@code y = f(x)} element-wise. {@code alpha} is the parameter of LEAKY_RELU, PRELU (one slope
   * shared by all channels) and ELU, and must be finite for them; other functions ignore it.
   *
   * @param x input, any shape
   * @param y output, the shape of {@code x}; may be {@code x} itself
   */
  public final void forward(Activation f, float alpha, Tensor x, Tensor y) {
    checkFunction(f, alpha);
    requireFloat("x", x);
    requireFloat("y", y);
    requireSameShape("y", y, "x", x);
    requireSameOrDisjoint("y", y, "x", x);
    forwardKernel(f, alpha, x, y);
  }

  /**
   * {@code dx = dy * f'(x)} element-wise. Backends may compute f' from {@code x} or from the
   * forward output {@code y} (the sigmoid and tanh derivatives are cheapest from y, the ELU and
   * SELU ones partly so), so {@code y} must be {@code forward(f, alpha, x)}; a NaN in x gives NaN
   * in dx.
   *
   * @param x the forward input
   * @param y the forward output, the shape of {@code x}
   * @param dy gradient of the loss with respect to y, the shape of {@code x}
   * @param dx gradient with respect to x (written), the shape of {@code x}; may be {@code dy},
   *     {@code x} or {@code y} itself
   */
  public final void backward(Activation f, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
    checkFunction(f, alpha);
    requireFloat("x", x);
    requireFloat("y", y);
    requireFloat("dy", dy);
    requireFloat("dx", dx);
    requireSameShape("y", y, "x", x);
    requireSameShape("dy", dy, "x", x);
    requireSameShape("dx", dx, "x", x);
    requireSameOrDisjoint("dx", dx, "x", x);
    requireSameOrDisjoint("dx", dx, "y", y);
    requireSameOrDisjoint("dx", dx, "dy", dy);
    backwardKernel(f, alpha, x, y, dy, dx);
  }

  /**
   * PReLU, {@code y = x > 0 ? x : slope[c] * x}, with the channel {@code c} on axis 1 (NCHW, or
   * [N, C]). {@code slope} has shape [C], or [1] for one slope shared by every channel (the only
   * choice when x has rank 0 or 1, which has no channel axis).
   *
   * @param x input of rank >= 2 for per-channel slopes
   * @param slope [C] or [1]
   * @param y output, the shape of {@code x}; may be {@code x} itself
   */
  public final void preluForward(Tensor x, Tensor slope, Tensor y) {
    requireFloat("x", x);
    requireFloat("y", y);
    int channels = checkSlope(x, slope);
    requireSameShape("y", y, "x", x);
    requireSameOrDisjoint("y", y, "x", x);
    requireSameOrDisjoint("y", y, "slope", slope);
    preluForwardKernel(x, slope, outer(x, channels), channels, inner(x, channels), y);
  }

  /**
   * PReLU backward: {@code dx = x > 0 ? dy : slope[c] * dy} and {@code dslope[c] = sum of x * dy
   * over the elements of channel c with x <= 0} (batch and spatial positions). Either output may be
   * null when the caller does not need it. A NaN in x gives NaN in dx and in its channel's dslope.
   *
   * @param dx gradient with respect to x (written), the shape of x, or null; may be {@code dy} or
   *     {@code x} itself
   * @param dslope gradient with respect to the slope (written, not accumulated), the shape of
   *     {@code slope}, or null
   */
  public final void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
    requireFloat("x", x);
    requireFloat("dy", dy);
    int channels = checkSlope(x, slope);
    requireSameShape("dy", dy, "x", x);
    if (dx != null) {
      requireFloat("dx", dx);
      requireSameShape("dx", dx, "x", x);
      requireSameOrDisjoint("dx", dx, "x", x);
      requireSameOrDisjoint("dx", dx, "dy", dy);
      PointwiseChecks.requireDisjoint("dx", dx, "slope", slope);
    }
    if (dslope != null) {
      requireFloat("dslope", dslope);
      requireSameShape("dslope", dslope, "slope", slope);
      PointwiseChecks.requireDisjoint("dslope", dslope, "x", x);
      PointwiseChecks.requireDisjoint("dslope", dslope, "dy", dy);
      PointwiseChecks.requireDisjoint("dslope", dslope, "slope", slope);
      if (dx != null) {
        PointwiseChecks.requireDisjoint("dslope", dslope, "dx", dx);
      }
    }
    preluBackwardKernel(x, slope, dy, outer(x, channels), channels, inner(x, channels), dx, dslope);
  }

  /**
   * Runs {@code target}'s implementation without checking the arguments again, for a backend
   * whose public method has already checked them and hands the call to another backend (the
   * native backend's small calls): a second check cost 10-15 ns of a 64-element call.
   */
  protected static void forwardUnchecked(ActivationKernels target, Activation f, float alpha,
      Tensor x, Tensor y) {
    target.forwardKernel(f, alpha, x, y);
  }

  /** Writes {@code y = f(x)}; arguments are valid. */
  protected abstract void forwardKernel(Activation f, float alpha, Tensor x, Tensor y);

  /** Writes {@code dx = dy * f'(x)}; arguments are valid. */
  protected abstract void backwardKernel(
      Activation f, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx);

  /**
   * PReLU forward over x seen as [outer, channels, inner] with {@code slope} of length {@code
   * channels}.
   */
  protected abstract void preluForwardKernel(
      Tensor x, Tensor slope, int outer, int channels, int inner, Tensor y);

  /**
   * PReLU backward over x seen as [outer, channels, inner]; {@code dx} or {@code dslope} may be
   * null.
   */
  protected abstract void preluBackwardKernel(Tensor x, Tensor slope, Tensor dy, int outer,
      int channels, int inner, Tensor dx, Tensor dslope);

  private static void checkFunction(Activation f, float alpha) {
    Objects.requireNonNull(f, "f");
    if (f.usesAlpha() && !Float.isFinite(alpha)) {
      throw new IllegalArgumentException(
          "alpha: " + alpha + " (expected: a finite number for " + f + ")");
    }
  }

  /** The number of distinct slopes, C or 1. */
  private static int checkSlope(Tensor x, Tensor slope) {
    requireFloat("slope", slope);
    int channels = x.rank() >= 2 ? x.dim(1) : 1;
    if (slope.rank() != 1 || (slope.size() != channels && slope.size() != 1)) {
      String expected = channels == 1 ? "[1]" : "[" + channels + "] or [1]";
      throw new IllegalArgumentException("slope: " + slope.describe() + " (expected: " + expected
          + " for x: " + x.describe() + ", channels on axis 1)");
    }
    return slope.size();
  }

  private static int outer(Tensor x, int slopes) {
    return slopes == 1 || x.size() == 0 ? 1 : x.dim(0);
  }

  private static int inner(Tensor x, int slopes) {
    if (slopes == 1) {
      return x.size();
    }
    return x.size() == 0 ? 0 : x.size() / (x.dim(0) * slopes);
  }
}
