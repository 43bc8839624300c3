package dev.harmonics.kernel;

/**
 * How {@link LayoutKernels#pad} fills the positions outside the input.
 *
 * <p>Per dimension of size {@code n}, an output coordinate {@code o} maps to the input coordinate
 * {@code i = o - before}; when {@code i} falls outside {@code [0, n)} the mode decides.
 */
public enum PadMode {
  /** A fixed value. */
  CONSTANT,
  /**
   * The mirror image without repeating the border: {@code [a b c]} padded by 2 on each side is
   * {@code c b [a b c] b a}. Needs every pad smaller than its dimension.
   */
  REFLECT,
  /** The border element repeated: {@code a a [a b c] c c}. Needs a non-empty dimension. */
  EDGE;

  /**
   * The input coordinate that output coordinate {@code o} reads, or -1 for a constant position.
   *
   * @param o output coordinate along one dimension
   * @param before pad before the input along that dimension
   * @param n input size along that dimension
   */
  public int sourceIndex(int o, int before, int n) {
    int i = o - before;
    if (i >= 0 && i < n) {
      return i;
    }
    return switch (this) {
      case CONSTANT -> -1;
      case REFLECT -> i < 0 ? -i : 2 * (n - 1) - i;
      case EDGE -> i < 0 ? 0 : n - 1;
    };
  }
}
