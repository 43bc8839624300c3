package dev.harmonics.kernel;

/**
 * The geometry of 2-d max or average pooling over NCHW tensors.
 *
 * <p>Output position {@code (oh, ow)} pools the window of input rows {@code oh * strideH - padH +
 * kh * dilationH} and columns {@code ow * strideW - padW + kw * dilationW}, for {@code kh <
 * kernelH} and {@code kw < kernelW}. Padding never contributes a value: max pooling ignores it, and
 * average pooling only counts it in the divisor when {@code countIncludePad} is set.
 *
 * <p>Average pooling divides the sum of the window's input elements by the number of window taps
 * that fall inside the input ({@code countIncludePad = false}) or inside the padded input, that is
 * rows {@code [-padH, H + padH)} and columns {@code [-padW, W + padW)} ({@code countIncludePad =
 * true}, the PyTorch default). Taps that {@code ceilMode} lets hang past the padding are never
 * counted.
 *
 * @param kernelH window rows, at least 1
 * @param kernelW window columns, at least 1
 * @param strideH vertical stride, at least 1
 * @param strideW horizontal stride, at least 1
 * @param padH implicit rows above and below, at most half the dilated window height
 * @param padW implicit columns left and right, at most half the dilated window width
 * @param dilationH spacing between window rows, at least 1
 * @param dilationW spacing between window columns, at least 1
 * @param ceilMode round the output size up instead of down (a last, partial window), as long as
 *     that window starts inside the input or its leading padding
 * @param countIncludePad whether average pooling counts padding taps in the divisor
 */
public record Pool2dParams(
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    int dilationH,
    int dilationW,
    boolean ceilMode,
    boolean countIncludePad) {

  /** Checks every component; throws {@link IllegalArgumentException} naming the first bad one. */
  public Pool2dParams {
    Conv2dParams.atLeast("kernelH", kernelH, 1);
    Conv2dParams.atLeast("kernelW", kernelW, 1);
    Conv2dParams.atLeast("strideH", strideH, 1);
    Conv2dParams.atLeast("strideW", strideW, 1);
    Conv2dParams.atLeast("dilationH", dilationH, 1);
    Conv2dParams.atLeast("dilationW", dilationW, 1);
    checkPad("padH", padH, kernelH, dilationH);
    checkPad("padW", padW, kernelW, dilationW);
  }

  /** A square window with the given stride, no padding or dilation, floor mode, padding counted. */
  public static Pool2dParams of(int kernel, int stride) {
    return of(kernel, stride, 0);
  }

  /** A square window with this stride and padding, no dilation, floor mode, padding counted. */
  public static Pool2dParams of(int kernel, int stride, int pad) {
    return new Pool2dParams(kernel, kernel, stride, stride, pad, pad, 1, 1, false, true);
  }

  /** These parameters with {@code ceilMode} set as given. */
  public Pool2dParams withCeilMode(boolean ceil) {
    return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW,
        ceil, countIncludePad);
  }

  /** These parameters with {@code countIncludePad} set as given. */
  public Pool2dParams withCountIncludePad(boolean include) {
    return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW,
        ceilMode, include);
  }

  /** These parameters with the same dilation in both dimensions. */
  public Pool2dParams withDilation(int dilation) {
    return new Pool2dParams(kernelH, kernelW, strideH, strideW, padH, padW, dilation, dilation,
        ceilMode, countIncludePad);
  }

  /**
   * Output height for an input of {@code inputHeight} rows.
   *
   * @throws IllegalArgumentException when the padded input is shorter than the dilated window, or
   *     when some window row set lies entirely in the padding (possible with dilation)
   */
  public int outputHeight(int inputHeight) {
    return outputSize("height", inputHeight, kernelH, strideH, padH, dilationH);
  }

  /** Output width; the same rule as {@link #outputHeight} along the other dimension. */
  public int outputWidth(int inputWidth) {
    return outputSize("width", inputWidth, kernelW, strideW, padW, dilationW);
  }

  private int outputSize(String what, int input, int kernel, int stride, int pad, int dilation) {
    Conv2dParams.atLeast("input " + what, input, 1);
    long span = (long) dilation * (kernel - 1) + 1;
    long room = (long) input + 2L * pad - span;
    if (room < 0) {
      throw new IllegalArgumentException("input " + what + " " + input + " with padding " + pad
          + " is smaller than the dilated window " + what + " " + span
          + " (expected: input + 2 * pad >= dilation * (kernel - 1) + 1)");
    }
    long out = (ceilMode ? Math.ceilDiv(room, stride) : room / stride) + 1;
    if (ceilMode && (out - 1) * stride >= input + pad) {
      out--;
    }
    for (long o = 0; o < out; o++) {
      if (!touchesInput(o * stride - pad, kernel, dilation, input)) {
        throw new IllegalArgumentException("pooling window " + o + " along the " + what
            + " covers only padding (input " + what + " " + input + ", window " + kernel
            + ", dilation " + dilation + ", padding " + pad + ")");
      }
    }
    return Math.toIntExact(out);
  }

  private static boolean touchesInput(long start, int kernel, int dilation, int input) {
    for (int k = 0; k < kernel; k++) {
      long i = start + (long) k * dilation;
      if (i >= 0 && i < input) {
        return true;
      }
    }
    return false;
  }

  private static void checkPad(String name, int pad, int kernel, int dilation) {
    long limit = ((long) dilation * (kernel - 1) + 1) / 2;
    if (pad < 0 || pad > limit) {
      throw new IllegalArgumentException(name + ": " + pad
          + " (expected: 0 <= " + name + " <= half the dilated window = " + limit + ")");
    }
  }
}
