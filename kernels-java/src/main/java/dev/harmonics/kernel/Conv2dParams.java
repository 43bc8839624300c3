package dev.harmonics.kernel;

/**
 * The geometry of a 2-d convolution over NCHW tensors: stride, zero padding and dilation per
 * spatial dimension, and the number of channel groups.
 *
 * <p>Output position {@code (oh, ow)} reads input rows {@code oh * strideH - padH + kh * dilationH}
 * and columns {@code ow * strideW - padW + kw * dilationW}; positions outside the input read zero.
 * With {@code groups = g}, input and output channels are split into {@code g} equal consecutive
 * blocks and output block {@code i} sees only input block {@code i}; {@code groups} equal to the
 * input channel count is a depthwise convolution.
 *
 * @param strideH vertical stride, at least 1
 * @param strideW horizontal stride, at least 1
 * @param padH zero rows added above and below the input, at least 0
 * @param padW zero columns added left and right of the input, at least 0
 * @param dilationH spacing between kernel rows, at least 1
 * @param dilationW spacing between kernel columns, at least 1
 * @param groups number of channel groups, at least 1
 */
public record Conv2dParams(
    int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

  /** Checks every component; throws {@link IllegalArgumentException} naming the first bad one. */
  public Conv2dParams {
    atLeast("strideH", strideH, 1);
    atLeast("strideW", strideW, 1);
    atLeast("padH", padH, 0);
    atLeast("padW", padW, 0);
    atLeast("dilationH", dilationH, 1);
    atLeast("dilationW", dilationW, 1);
    atLeast("groups", groups, 1);
  }

  /** Stride 1, no padding, no dilation, one group. */
  public static Conv2dParams defaults() {
    return new Conv2dParams(1, 1, 0, 0, 1, 1, 1);
  }

  /** The same stride and padding in both dimensions, no dilation, one group. */
  public static Conv2dParams of(int stride, int pad) {
    return new Conv2dParams(stride, stride, pad, pad, 1, 1, 1);
  }

  /** These parameters with {@code groups} channel groups. */
  public Conv2dParams withGroups(int newGroups) {
    return new Conv2dParams(strideH, strideW, padH, padW, dilationH, dilationW, newGroups);
  }

  /** These parameters with the same dilation in both dimensions. */
  public Conv2dParams withDilation(int dilation) {
    return new Conv2dParams(strideH, strideW, padH, padW, dilation, dilation, groups);
  }

  /**
   * Output height for an input of {@code inputHeight} rows and a kernel of {@code kernelH} rows:
   * {@code floor((inputHeight + 2 padH - dilationH (kernelH - 1) - 1) / strideH) + 1}.
   *
   * @throws IllegalArgumentException when the padded input is shorter than the dilated kernel
   */
  public int outputHeight(int inputHeight, int kernelH) {
    return outputSize("height", inputHeight, kernelH, strideH, padH, dilationH);
  }

  /** Output width; the same rule as {@link #outputHeight} along the other dimension. */
  public int outputWidth(int inputWidth, int kernelW) {
    return outputSize("width", inputWidth, kernelW, strideW, padW, dilationW);
  }

  private static int outputSize(String what, int input, int kernel, int stride, int pad,
      int dilation) {
    atLeast("input " + what, input, 1);
    atLeast("kernel " + what, kernel, 1);
    long span = (long) dilation * (kernel - 1) + 1;
    long room = (long) input + 2L * pad - span;
    if (room < 0) {
      throw new IllegalArgumentException("input " + what + " " + input + " with padding " + pad
          + " is smaller than the dilated kernel " + what + " " + span
          + " (expected: input + 2 * pad >= dilation * (kernel - 1) + 1)");
    }
    return Math.toIntExact(room / stride + 1);
  }

  static void atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
    }
  }
}
