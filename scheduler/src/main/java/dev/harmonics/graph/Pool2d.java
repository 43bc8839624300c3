package dev.harmonics.graph;

/**
 * Two-dimensional max or average pooling over {@code {channels, height, width}} with a square
 * window; channels pass through. Output size per spatial dimension is
 * {@code floor((size + 2 padding - kernel) / stride) + 1}. Padding counts as -infinity for max
 * and is left out of the average (the divisor is the number of real elements in the window).
 *
 * @param mode max or average
 * @param kernel window height and width
 * @param stride step between windows (usually the kernel)
 * @param padding added on every side, at most half the kernel
 */
public record Pool2d(Mode mode, int kernel, int stride, int padding) implements LayerSpec {

  /** Which reduction a window applies. */
  public enum Mode {
    /** The largest element; HARP keyword {@code maxpool2d}. */
    MAX("maxpool2d"),
    /** The mean of the real elements; HARP keyword {@code avgpool2d}. */
    AVG("avgpool2d");

    private final String kind;

    Mode(String kind) {
      this.kind = kind;
    }

    /** HARP keyword. */
    public String kind() {
      return kind;
    }
  }

  /** Checks every setting. */
  public Pool2d {
    if (mode == null) {
      throw new IllegalArgumentException("pool2d mode: null (expected: MAX or AVG)");
    }
    Settings.positive(mode.kind(), "kernel", kernel);
    Settings.positive(mode.kind(), "stride", stride);
    Settings.nonNegative(mode.kind(), "padding", padding);
    if (2 * padding > kernel) {
      throw new IllegalArgumentException(mode.kind() + " padding: " + padding
          + " (expected: at most half the kernel, " + kernel / 2 + ")");
    }
  }

  /** Max pooling with stride equal to the kernel and no padding. */
  public static Pool2d max(int kernel) {
    return new Pool2d(Mode.MAX, kernel, kernel, 0);
  }

  /** Average pooling with stride equal to the kernel and no padding. */
  public static Pool2d avg(int kernel) {
    return new Pool2d(Mode.AVG, kernel, kernel, 0);
  }

  @Override
  public String kind() {
    return mode.kind();
  }

  @Override
  public Shape outputShape(Shape input) {
    if (input.rank() != 3) {
      throw new ShapeMismatchException("rank 3 {channels,height,width}");
    }
    int h = Settings.slide(input.dim(1), kernel, stride, padding, 1);
    int w = Settings.slide(input.dim(2), kernel, stride, padding, 1);
    if (h < 1 || w < 1) {
      throw new ShapeMismatchException(
          "height and width of at least " + (kernel - 2 * padding) + " for kernel=" + kernel);
    }
    return Shape.of(input.dim(0), h, w);
  }

  @Override
  public long parameterCount(Shape input) {
    return 0;
  }

  @Override
  public String canonical() {
    return mode.kind() + "(kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + ")";
  }
}
