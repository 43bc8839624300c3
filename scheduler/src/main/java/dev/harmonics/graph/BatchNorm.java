package dev.harmonics.graph;

/**
 * Batch normalisation per channel, the first dimension of the sample ({@code {features}} or
 * {@code {channels, height, width}}): statistics over the batch and the other dimensions, a learned
 * scale and shift per channel, running statistics kept for evaluation. Shape passes through.
 *
 * @param epsilon added to the variance
 * @param momentum weight of the new batch in the running statistics
 */
public record BatchNorm(double epsilon, double momentum) implements LayerSpec {

  /** HARP keyword. */
  public static final String KIND = "batchnorm";
  /** Default epsilon. */
  public static final double DEFAULT_EPSILON = 1e-5;
  /** Default momentum. */
  public static final double DEFAULT_MOMENTUM = 0.1;

  /** Checks both settings. */
  public BatchNorm {
    Settings.positive(KIND, "epsilon", epsilon);
    Settings.fraction(KIND, "momentum", momentum);
  }

  /** Epsilon 1e-5, momentum 0.1. */
  public static BatchNorm defaults() {
    return new BatchNorm(DEFAULT_EPSILON, DEFAULT_MOMENTUM);
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
    return 2L * input.dim(0);
  }

  @Override
  public String canonical() {
    return KIND + "(epsilon=" + Settings.number(epsilon) + ", momentum="
        + Settings.number(momentum) + ")";
  }
}
