package dev.harmonics.graph;

import dev.harmonics.kernel.Activation;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The function an arrow applies to the value of the node on its tail before feeding the node on
 * its head ({@code a -(relu)-> b}: b takes relu(a)). {@link #IDENTITY} is the plain arrow
 * {@code ->}. Every function keeps the shape. Point-wise ones map to the kernels'
 * {@link Activation}; {@link #SOFTMAX} and {@link #LOG_SOFTMAX} work along the last dimension.
 */
public enum EdgeActivation {
  IDENTITY("identity", Activation.IDENTITY),
  RELU("relu", Activation.RELU),
  LEAKY_RELU("leaky_relu", Activation.LEAKY_RELU),
  PRELU("prelu", Activation.PRELU),
  ELU("elu", Activation.ELU),
  SELU("selu", Activation.SELU),
  /** GELU with the exact Gaussian CDF. */
  GELU("gelu", Activation.GELU_ERF),
  /** GELU with the tanh approximation. */
  GELU_TANH("gelu_tanh", Activation.GELU_TANH),
  SIGMOID("sigmoid", Activation.SIGMOID),
  TANH("tanh", Activation.TANH),
  SOFTPLUS("softplus", Activation.SOFTPLUS),
  SOFTSIGN("softsign", Activation.SOFTSIGN),
  /** {@code exp(x_i) / sum_j exp(x_j)} along the last dimension. */
  SOFTMAX("softmax", null),
  /** {@code x_i - log(sum_j exp(x_j))} along the last dimension. */
  LOG_SOFTMAX("log_softmax", null);

  private final String harpName;
  private final Activation pointwise;

  EdgeActivation(String harpName, Activation pointwise) {
    this.harpName = harpName;
    this.pointwise = pointwise;
  }

  /** The name written between the parentheses of an arrow. */
  public String harpName() {
    return harpName;
  }

  /** The kernels' point-wise activation, or empty for the softmax family. */
  public Optional<Activation> pointwise() {
    return Optional.ofNullable(pointwise);
  }

  /** Whether the function takes the {@code alpha} parameter (leaky ReLU, PReLU, ELU). */
  public boolean usesAlpha() {
    return pointwise != null && pointwise.usesAlpha();
  }

  /** The usual alpha of this function (0 for those that take none). */
  public float defaultAlpha() {
    return pointwise == null ? 0f : pointwise.defaultAlpha();
  }

  /** The function named {@code name} in HARP, or empty. */
  public static Optional<EdgeActivation> fromHarpName(String name) {
    return Arrays.stream(values()).filter(a -> a.harpName.equals(name)).findFirst();
  }

  /** Every HARP name, comma-separated, for error messages. */
  public static String harpNames() {
    return Arrays.stream(values()).map(EdgeActivation::harpName).collect(Collectors.joining(", "));
  }
}
