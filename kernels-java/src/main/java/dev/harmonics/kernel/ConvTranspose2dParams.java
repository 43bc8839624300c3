package dev.harmonics.kernel;

/**
 * The geometry of a 2-d transposed convolution: the {@link Conv2dParams} of the convolution it is
 * the adjoint of, plus output padding.
 *
 * <p>A transposed convolution with these parameters maps an input of height {@code H} to height
 * {@code (H - 1) strideH - 2 padH + dilationH (kernelH - 1) + outputPadH + 1}. Several output
 * sizes map back to the same input size under the strided forward convolution; the output padding
 * picks one of them by extending the bottom and right edges. Like PyTorch, it must be smaller than
 * the stride or the dilation of its dimension.
 *
 * @param conv stride, padding, dilation and groups of the corresponding forward convolution
 * @param outputPadH rows added at the bottom of the output, {@code 0 <= outputPadH <
 *     max(strideH, dilationH)}
 * @param outputPadW columns added at the right of the output, {@code 0 <= outputPadW <
 *     max(strideW, dilationW)}
 */
public record ConvTranspose2dParams(Conv2dParams conv, int outputPadH, int outputPadW) {

  /** Checks every component; throws {@link IllegalArgumentException} naming the first bad one. */
  public ConvTranspose2dParams {
    if (conv == null) {
      throw new IllegalArgumentException("conv: null (expected: the convolution parameters)");
    }
    checkOutputPad("outputPadH", outputPadH, conv.strideH(), conv.dilationH());
    checkOutputPad("outputPadW", outputPadW, conv.strideW(), conv.dilationW());
  }

  /** No output padding. */
  public static ConvTranspose2dParams of(Conv2dParams conv) {
    return new ConvTranspose2dParams(conv, 0, 0);
  }

  /**
   * Output height for an input of {@code inputHeight} rows and a kernel of {@code kernelH} rows.
   *
   * @throws IllegalArgumentException when the padding removes every output row
   */
  public int outputHeight(int inputHeight, int kernelH) {
    return outputSize("height", inputHeight, kernelH, conv.strideH(), conv.padH(),
        conv.dilationH(), outputPadH);
  }

  /** Output width; the same rule as {@link #outputHeight} along the other dimension. */
  public int outputWidth(int inputWidth, int kernelW) {
    return outputSize("width", inputWidth, kernelW, conv.strideW(), conv.padW(),
        conv.dilationW(), outputPadW);
  }

  private static int outputSize(String what, int input, int kernel, int stride, int pad,
      int dilation, int outputPad) {
    Conv2dParams.atLeast("input " + what, input, 1);
    Conv2dParams.atLeast("kernel " + what, kernel, 1);
    long size = (long) (input - 1) * stride - 2L * pad + (long) dilation * (kernel - 1)
        + outputPad + 1;
    if (size < 1) {
      throw new IllegalArgumentException("transposed convolution output " + what + " " + size
          + " for input " + what + " " + input + " and padding " + pad + " (expected: >= 1)");
    }
    return Math.toIntExact(size);
  }

  private static void checkOutputPad(String name, int value, int stride, int dilation) {
    int bound = Math.max(stride, dilation);
    if (value < 0 || value >= bound) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: 0 <= " + name
          + " < max(stride, dilation) = " + bound + ")");
    }
  }
}
