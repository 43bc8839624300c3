package dev.harmonics.kernel;

/**
 * Hyper-parameters of RMSProp, with the meaning of PyTorch's {@code torch.optim.RMSprop}.
 *
 * <p>One update, with {@code g} the gradient, {@code s} the square average, {@code a} the gradient
 * average (centered only) and {@code b} the momentum buffer:
 *
 * <pre>
 *   g = g + weightDecay * p                          (if weightDecay != 0)
 *   s = alpha * s + (1 - alpha) * g * g
 *   a = alpha * a + (1 - alpha) * g; d = sqrt(s - a * a) + eps      (centered)
 *   d = sqrt(s) + eps                                               (not centered)
 *   b = momentum * b + g / d; p = p - lr * b                        (momentum > 0)
 *   p = p - lr * g / d                                              (momentum == 0)
 * </pre>
 *
 * @param lr learning rate, finite and {@code >= 0}
 * @param alpha decay of the averages, in {@code [0, 1]}
 * @param eps added to the root, finite and {@code >= 0}
 * @param momentum momentum factor, finite and {@code >= 0}; 0 turns the buffer off
 * @param centered normalise by the estimated variance instead of the raw second moment
 * @param weightDecay L2 penalty added to the gradient, finite and {@code >= 0}
 */
public record RmsPropConfig(double lr, double alpha, double eps, double momentum,
    boolean centered, double weightDecay) {

  /** Checks every range. */
  public RmsPropConfig {
    HyperParameters.nonNegative("lr", lr);
    HyperParameters.fraction("alpha", alpha);
    HyperParameters.nonNegative("eps", eps);
    HyperParameters.nonNegative("momentum", momentum);
    HyperParameters.nonNegative("weightDecay", weightDecay);
  }

  /**
   * RMSProp with decay {@code alpha = 0.9} (the Harmonics default, from the project's original
   * design; PyTorch's default is 0.99, pass it to the constructor to match), eps 1e-8, no momentum,
   * not centered, no weight decay.
   */
  public static RmsPropConfig of(double lr) {
    return new RmsPropConfig(lr, 0.9, 1e-8, 0, false, 0);
  }

  /** This config with another learning rate (for schedules). */
  public RmsPropConfig withLr(double newLr) {
    return new RmsPropConfig(newLr, alpha, eps, momentum, centered, weightDecay);
  }

  /** This config with another momentum (0 turns the buffer off). */
  public RmsPropConfig withMomentum(double newMomentum) {
    return new RmsPropConfig(lr, alpha, eps, newMomentum, centered, weightDecay);
  }

  /** This config, centered or not. */
  public RmsPropConfig withCentered(boolean on) {
    return new RmsPropConfig(lr, alpha, eps, momentum, on, weightDecay);
  }

  /** This config with another L2 weight decay. */
  public RmsPropConfig withWeightDecay(double newWeightDecay) {
    return new RmsPropConfig(lr, alpha, eps, momentum, centered, newWeightDecay);
  }
}
