package dev.harmonics.graph;

/**
 * Layer normalisation over the last dimension of each sample, with a learned scale and shift of
 * that size. Shape passes through.
 *
 * @param epsilon added to the variance
 */
public record LayerNorm(double epsilon) implements LayerSpec {

  /** HARP keyword. */
  public static final String KIND = "layernorm";
  /** Default epsilon. */
  public static final double DEFAULT_EPSILON = 1e-5;

  /** Checks epsilon. */
  public LayerNorm {
    Settings.positive(KIND, "epsilon", epsilon);
  }

  /** Epsilon 1e-5. */
  public static LayerNorm defaults() {
    return new LayerNorm(DEFAULT_EPSILON);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Shape outputShape(Shape input) {
    return input;
  }

  @Override
  public long parameterCount(Shape input) {
    return 2L * input.last();
  }

  @Override
  public String canonical() {
    return KIND + "(epsilon=" + Settings.number(epsilon) + ")";
  }
}
