package dev.harmonics.graph;

/**
 * A two-dimensional convolution (cross-correlation, as every framework computes it) over
 * {@code {channels, height, width}} with a square kernel. Output size per spatial dimension is
 * {@code floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1}. Weights are
 * {@code [outChannels, channels / groups, kernel, kernel]}, plus {@code outChannels} biases.
 *
 * @param outChannels output channels, a multiple of {@code groups}
 * @param kernel kernel height and width
 * @param stride step between windows
 * @param padding zeros added on every side
 * @param dilation spacing between kernel taps
 * @param groups channel groups; input channels must divide by it too
 * @param bias whether a bias is added per output channel
 */
public record Conv2d(
    int outChannels, int kernel, int stride, int padding, int dilation, int groups, boolean bias)
    implements LayerSpec {

  /** HARP keyword. */
  public static final String KIND = "conv2d";

  /** Checks every setting. */
  public Conv2d {
    Settings.positive(KIND, "out", outChannels);
    Settings.positive(KIND, "kernel", kernel);
    Settings.positive(KIND, "stride", stride);
    Settings.nonNegative(KIND, "padding", padding);
    Settings.positive(KIND, "dilation", dilation);
    Settings.positive(KIND, "groups", groups);
    if (outChannels % groups != 0) {
      throw new IllegalArgumentException(KIND + " out: " + outChannels
          + " (expected: a multiple of groups=" + groups + ")");
    }
  }

  /** Stride 1, no padding, no dilation, one group, with bias. */
  public static Conv2d of(int outChannels, int kernel) {
    return new Conv2d(outChannels, kernel, 1, 0, 1, 1, true);
  }

  /** This convolution with another padding. */
  public Conv2d withPadding(int newPadding) {
    return new Conv2d(outChannels, kernel, stride, newPadding, dilation, groups, bias);
  }

  /** This convolution with another stride. */
  public Conv2d withStride(int newStride) {
    return new Conv2d(outChannels, kernel, newStride, padding, dilation, groups, bias);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Shape outputShape(Shape input) {
    if (input.rank() != 3) {
      throw new ShapeMismatchException("rank 3 {channels,height,width}");
    }
    if (input.dim(0) % groups != 0) {
      throw new ShapeMismatchException("channels divisible by groups=" + groups);
    }
    int h = Settings.slide(input.dim(1), kernel, stride, padding, dilation);
    int w = Settings.slide(input.dim(2), kernel, stride, padding, dilation);
    if (h < 1 || w < 1) {
      throw new ShapeMismatchException("height and width of at least "
          + ((long) dilation * (kernel - 1) + 1 - 2L * padding) + " for kernel=" + kernel
          + ", padding=" + padding + ", dilation=" + dilation);
    }
    return Shape.of(outChannels, h, w);
  }

  @Override
  public long parameterCount(Shape input) {
    long weights = (long) outChannels * (input.dim(0) / groups) * kernel * kernel;
    return weights + (bias ? outChannels : 0);
  }

  @Override
  public String canonical() {
    return KIND + "(out=" + outChannels + ", kernel=" + kernel + ", stride=" + stride
        + ", padding=" + padding + ", dilation=" + dilation + ", groups=" + groups
        + ", bias=" + bias + ")";
  }
}
