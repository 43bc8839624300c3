package dev.harmonics.graph;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The loss a training tap {@code L <-(loss)- T} computes between node L and producer T. */
public enum Loss {
  /**
   * {@code -sum t log p} with the probabilities clamped to {@code [1e-7, 1 - 1e-7]}; the tapped
   * value must be probabilities, so the tapped node must be a consumer fed through
   * {@code -(softmax)->} or {@code -(sigmoid)->}.
   */
  CROSS_ENTROPY("cross_entropy"),
  /** Mean of the squared differences; target and value have the same shape. */
  MSE("mse");

  /** Lower clamp of probabilities in cross-entropy; the upper one is 1 minus it. */
  public static final double PROBABILITY_FLOOR = 1e-7;

  private final String harpName;

  Loss(String harpName) {
    this.harpName = harpName;
  }

  /** The name written between the parentheses of a tap. */
  public String harpName() {
    return harpName;
  }

  /** The loss named {@code name} in HARP, or empty. */
  public static Optional<Loss> fromHarpName(String name) {
    return Arrays.stream(values()).filter(l -> l.harpName.equals(name)).findFirst();
  }

  /** Every HARP name, comma-separated, for error messages. */
  public static String harpNames() {
    return Arrays.stream(values()).map(Loss::harpName).collect(Collectors.joining(", "));
  }
}
