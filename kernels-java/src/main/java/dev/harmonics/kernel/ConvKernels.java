package dev.harmonics.kernel;

import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;

/**
 * 2-d convolution and transposed convolution over NCHW float32 tensors, with their gradients.
 *
 * <p>All tensors are contiguous float32. Outputs are passed in by the caller and overwritten (the
 * gradient kernels overwrite too; they never accumulate into what the output held). Outputs must
 * not overlap inputs. The batch may be empty; every other dimension is at least 1. Public methods
 * validate their arguments and throw {@link IllegalArgumentException} naming the argument;
 * implementations only assert.
 *
 * <p>Forward convolution, with {@code g = groups}, {@code Cg = C / g} and {@code Og = O / g}:
 *
 * <pre>
 * y[n, o, oh, ow] = bias[o] + sum over c &lt; Cg, kh, kw of
 *     w[o, c, kh, kw] * x[n, (o / Og) * Cg + c, oh * sH - pH + kh * dH, ow * sW - pW + kw * dW]
 * </pre>
 *
 * <p>where positions outside the input read zero. A transposed convolution is the adjoint (the
 * input gradient) of the forward convolution with the same {@link Conv2dParams}, with its weight
 * laid out {@code [C, O / g, KH, KW]} as in PyTorch.
 *
 * <p>NaN and infinity in inputs and gradients propagate to every output whose sum includes them.
 * Padding zeros take part in the products like any other value (as with an explicitly padded
 * input, and as in PyTorch), so a NaN or infinite gradient multiplied by padding gives NaN.
 */
public abstract class ConvKernels {

  protected ConvKernels() {}

  /**
   * Forward convolution.
   *
   * @param x input {@code [N, C, H, W]}
   * @param w weight {@code [O, C / groups, KH, KW]}
   * @param bias {@code [O]}, or null for none
   * @param params stride, padding, dilation and groups
   * @param y output {@code [N, O, OH, OW]} with {@code OH = params.outputHeight(H, KH)} and {@code
   *     OW = params.outputWidth(W, KW)}
   */
  public final void conv2dForward(Tensor x, Tensor w, Tensor bias, Conv2dParams params,
      Tensor y) {
    requireParams(params);
    NchwChecks.requireNchw("x", x);
    checkWeight("w", w, "x", x, params);
    int outChannels = w.dim(0);
    NchwChecks.requireOptionalVector("bias", bias, outChannels, "to match w: " + w.describe());
    NchwChecks.requireNchw("y", y);
    NchwChecks.requireShape("y", y, convOutputShape(x, w, params),
        "for x: " + x.describe() + ", w: " + w.describe() + " and " + params);
    forward(x, w, bias, params, y);
  }

  /**
   * Gradient of {@link #conv2dForward} with respect to its input.
   *
   * @param dy output gradient {@code [N, O, OH, OW]}
   * @param w weight {@code [O, C / groups, KH, KW]}
   * @param params the forward parameters
   * @param dx input gradient {@code [N, C, H, W]}, overwritten; its shape fixes {@code H} and
   *     {@code W}
   */
  public final void conv2dBackwardInput(Tensor dy, Tensor w, Conv2dParams params, Tensor dx) {
    requireParams(params);
    NchwChecks.requireNchw("dx", dx);
    checkWeight("w", w, "dx", dx, params);
    NchwChecks.requireNchw("dy", dy);
    NchwChecks.requireShape("dy", dy, convOutputShape(dx, w, params),
        "for dx: " + dx.describe() + ", w: " + w.describe() + " and " + params);
    backwardInput(dy, w, params, dx);
  }

  /**
   * Gradients of {@link #conv2dForward} with respect to its weight and bias.
   *
   * @param x the forward input {@code [N, C, H, W]}
   * @param dy output gradient {@code [N, O, OH, OW]}
   * @param params the forward parameters
   * @param dw weight gradient {@code [O, C / groups, KH, KW]}, overwritten; its shape fixes the
   *     kernel size
   * @param dbias bias gradient {@code [O]}, overwritten, or null when there is no bias
   */
  public final void conv2dBackwardWeight(Tensor x, Tensor dy, Conv2dParams params, Tensor dw,
      Tensor dbias) {
    requireParams(params);
    NchwChecks.requireNchw("x", x);
    checkWeight("dw", dw, "x", x, params);
    NchwChecks.requireNchw("dy", dy);
    NchwChecks.requireShape("dy", dy, convOutputShape(x, dw, params),
        "for x: " + x.describe() + ", dw: " + dw.describe() + " and " + params);
    NchwChecks.requireOptionalVector("dbias", dbias, dw.dim(0), "to match dw: " + dw.describe());
    backwardWeight(x, dy, params, dw);
    if (dbias != null) {
      biasGradient(dy, dbias);
    }
  }

  /**
   * Forward transposed convolution: the adjoint of {@link #conv2dForward} with {@code
   * params.conv()}, plus a bias.
   *
   * @param x input {@code [N, C, H, W]}
   * @param w weight {@code [C, O / groups, KH, KW]}
   * @param bias {@code [O]}, or null for none
   * @param params the convolution parameters and output padding
   * @param y output {@code [N, O, OH, OW]} with {@code OH = params.outputHeight(H, KH)} and {@code
   *     OW = params.outputWidth(W, KW)}
   */
  public final void convTranspose2dForward(Tensor x, Tensor w, Tensor bias,
      ConvTranspose2dParams params, Tensor y) {
    requireTransposeParams(params);
    NchwChecks.requireNchw("x", x);
    checkTransposeWeight("w", w, "x", x, params.conv());
    int outChannels = w.dim(1) * params.conv().groups();
    NchwChecks.requireOptionalVector("bias", bias, outChannels,
        "to match w: " + w.describe() + " with groups = " + params.conv().groups());
    NchwChecks.requireNchw("y", y);
    NchwChecks.requireShape("y", y, transposeOutputShape(x, w, params),
        "for x: " + x.describe() + ", w: " + w.describe() + " and " + params);
    transposeForward(x, w, bias, params.conv(), y);
  }

  /**
   * Gradient of {@link #convTranspose2dForward} with respect to its input.
   *
   * @param dy output gradient {@code [N, O, OH, OW]}
   * @param w weight {@code [C, O / groups, KH, KW]}
   * @param params the forward parameters
   * @param dx input gradient {@code [N, C, H, W]}, overwritten
   */
  public final void convTranspose2dBackwardInput(Tensor dy, Tensor w,
      ConvTranspose2dParams params, Tensor dx) {
    requireTransposeParams(params);
    NchwChecks.requireNchw("dx", dx);
    checkTransposeWeight("w", w, "dx", dx, params.conv());
    NchwChecks.requireNchw("dy", dy);
    NchwChecks.requireShape("dy", dy, transposeOutputShape(dx, w, params),
        "for dx: " + dx.describe() + ", w: " + w.describe() + " and " + params);
    transposeBackwardInput(dy, w, params.conv(), dx);
  }

  /**
   * Gradients of {@link #convTranspose2dForward} with respect to its weight and bias.
   *
   * @param x the forward input {@code [N, C, H, W]}
   * @param dy output gradient {@code [N, O, OH, OW]}
   * @param params the forward parameters
   * @param dw weight gradient {@code [C, O / groups, KH, KW]}, overwritten
   * @param dbias bias gradient {@code [O]}, overwritten, or null when there is no bias
   */
  public final void convTranspose2dBackwardWeight(Tensor x, Tensor dy,
      ConvTranspose2dParams params, Tensor dw, Tensor dbias) {
    requireTransposeParams(params);
    NchwChecks.requireNchw("x", x);
    checkTransposeWeight("dw", dw, "x", x, params.conv());
    NchwChecks.requireNchw("dy", dy);
    NchwChecks.requireShape("dy", dy, transposeOutputShape(x, dw, params),
        "for x: " + x.describe() + ", dw: " + dw.describe() + " and " + params);
    NchwChecks.requireOptionalVector("dbias", dbias, dy.dim(1), "to match dy: " + dy.describe());
    transposeBackwardWeight(x, dy, params.conv(), dw);
    if (dbias != null) {
      biasGradient(dy, dbias);
    }
  }

  /**
   * Runs {@code target}'s kernels on arguments this instance has already checked: a backend that
   * implements some convolutions itself hands the others on without checking them twice.
   */
  protected static void forwardUnchecked(ConvKernels target, Tensor x, Tensor w, Tensor bias,
      Conv2dParams params, Tensor y) {
    target.forward(x, w, bias, params, y);
  }

  /** See {@link #forwardUnchecked}. */
  protected static void backwardInputUnchecked(ConvKernels target, Tensor dy, Tensor w,
      Conv2dParams params, Tensor dx) {
    target.backwardInput(dy, w, params, dx);
  }

  /** See {@link #forwardUnchecked}. */
  protected static void backwardWeightUnchecked(ConvKernels target, Tensor x, Tensor dy,
      Conv2dParams params, Tensor dw) {
    target.backwardWeight(x, dy, params, dw);
  }

  /** See {@link #forwardUnchecked}. */
  protected static void biasGradientUnchecked(ConvKernels target, Tensor dy, Tensor dbias) {
    target.biasGradient(dy, dbias);
  }

  /** See {@link #forwardUnchecked}. */
  protected static void transposeForwardUnchecked(ConvKernels target, Tensor x, Tensor w,
      Tensor bias, Conv2dParams params, Tensor y) {
    target.transposeForward(x, w, bias, params, y);
  }

  /** See {@link #forwardUnchecked}. */
  protected static void transposeBackwardInputUnchecked(ConvKernels target, Tensor dy, Tensor w,
      Conv2dParams params, Tensor dx) {
    target.transposeBackwardInput(dy, w, params, dx);
  }

  /** See {@link #forwardUnchecked}. */
  protected static void transposeBackwardWeightUnchecked(ConvKernels target, Tensor x, Tensor dy,
      Conv2dParams params, Tensor dw) {
    target.transposeBackwardWeight(x, dy, params, dw);
  }

  /** {@code y = conv(x, w) + bias}; shapes are checked. */
  protected abstract void forward(Tensor x, Tensor w, Tensor bias, Conv2dParams params, Tensor y);

  /** {@code dx = conv(., w)^T dy}; the kernel size comes from {@code w}, sizes from the tensors. */
  protected abstract void backwardInput(Tensor dy, Tensor w, Conv2dParams params, Tensor dx);

  /** Weight gradient of the forward convolution, the kernel size taken from {@code dw}. */
  protected abstract void backwardWeight(Tensor x, Tensor dy, Conv2dParams params, Tensor dw);

  /** {@code dbias[o] = sum over n, h, w of dy[n, o, h, w]}. */
  protected abstract void biasGradient(Tensor dy, Tensor dbias);

  /** Transposed convolution with weight {@code [C, O / g, KH, KW]}, plus bias. */
  protected abstract void transposeForward(Tensor x, Tensor w, Tensor bias, Conv2dParams params,
      Tensor y);

  /** Input gradient of the transposed convolution. */
  protected abstract void transposeBackwardInput(Tensor dy, Tensor w, Conv2dParams params,
      Tensor dx);

  /** Weight gradient of the transposed convolution, the kernel size taken from {@code dw}. */
  protected abstract void transposeBackwardWeight(Tensor x, Tensor dy, Conv2dParams params,
      Tensor dw);

  private static void requireParams(Conv2dParams params) {
    if (params == null) {
      throw new IllegalArgumentException("params: null (expected: Conv2dParams)");
    }
  }

  private static void requireTransposeParams(ConvTranspose2dParams params) {
    if (params == null) {
      throw new IllegalArgumentException("params: null (expected: ConvTranspose2dParams)");
    }
  }

  /** A convolution weight {@code [O, C / g, KH, KW]} that fits {@code input}'s channels. */
  private static void checkWeight(String wName, Tensor w, String inputName, Tensor input,
      Conv2dParams params) {
    NchwChecks.require(wName, w, DType.FLOAT32, 4, "[O, C/groups, KH, KW]", false);
    int groups = params.groups();
    int channels = input.dim(1);
    requireGroupsDivide(groups, channels, "channels of " + inputName + ": " + input.describe());
    requireGroupsDivide(groups, w.dim(0), "output channels of " + wName + ": " + w.describe());
    if (w.dim(1) != channels / groups) {
      throw new IllegalArgumentException(wName + ": " + w.describe() + " (expected: [O, "
          + channels / groups + ", KH, KW], that is C/groups = " + channels + "/" + groups
          + " input channels per group, to match " + inputName + ": " + input.describe() + ")");
    }
  }

  /** A transposed-convolution weight {@code [C, O / g, KH, KW]} that fits {@code input}. */
  private static void checkTransposeWeight(String wName, Tensor w, String inputName,
      Tensor input, Conv2dParams params) {
    NchwChecks.require(wName, w, DType.FLOAT32, 4, "[C, O/groups, KH, KW]", false);
    int groups = params.groups();
    int channels = input.dim(1);
    requireGroupsDivide(groups, channels, "channels of " + inputName + ": " + input.describe());
    if (w.dim(0) != channels) {
      throw new IllegalArgumentException(wName + ": " + w.describe() + " (expected: [" + channels
          + ", O/groups, KH, KW] to match the " + channels + " channels of " + inputName + ": "
          + input.describe() + ")");
    }
  }

  private static void requireGroupsDivide(int groups, int count, String what) {
    if (count % groups != 0) {
      throw new IllegalArgumentException("params.groups: " + groups + " (expected: a divisor of the "
          + count + " " + what + ")");
    }
  }

  private static int[] convOutputShape(Tensor input, Tensor w, Conv2dParams params) {
    return new int[] {input.dim(0), w.dim(0), params.outputHeight(input.dim(2), w.dim(2)),
        params.outputWidth(input.dim(3), w.dim(3))};
  }

  private static int[] transposeOutputShape(Tensor input, Tensor w, ConvTranspose2dParams params) {
    return new int[] {input.dim(0), w.dim(1) * params.conv().groups(),
        params.outputHeight(input.dim(2), w.dim(2)), params.outputWidth(input.dim(3), w.dim(3))};
  }
}
