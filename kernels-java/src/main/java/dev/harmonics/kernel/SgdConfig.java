package dev.harmonics.kernel;

/**
 * Hyper-parameters of stochastic gradient descent, with PyTorch's {@code torch.optim.SGD} meaning.
 *
 * <p>One update, with {@code g} the gradient and {@code b} the momentum buffer:
 *
 * <pre>
 *   g = g + weightDecay * p                          (if weightDecay != 0)
 *   b = g                                            (step 1)
 *   b = momentum * b + (1 - dampening) * g           (later steps)    } if momentum != 0
 *   g = nesterov ? g + momentum * b : b                               }
 *   p = p - lr * g
 * </pre>
 *
 * @param lr learning rate, finite and {@code >= 0}
 * @param momentum momentum factor, finite and {@code >= 0}; 0 turns the buffer off
 * @param dampening how much of the new gradient the buffer discounts, in {@code [0, 1]}
 * @param weightDecay L2 penalty added to the gradient, finite and {@code >= 0}
 * @param nesterov Nesterov momentum; needs {@code momentum > 0} and {@code dampening == 0}
 */
public record SgdConfig(
    double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {

  /** Checks every range; Nesterov momentum without momentum, or with dampening, is refused. */
  public SgdConfig {
    HyperParameters.nonNegative("lr", lr);
    HyperParameters.nonNegative("momentum", momentum);
    HyperParameters.fraction("dampening", dampening);
    HyperParameters.nonNegative("weightDecay", weightDecay);
    if (nesterov && (momentum == 0 || dampening != 0)) {
      throw new IllegalArgumentException("nesterov: true with momentum " + momentum
          + " and dampening " + dampening + " (expected: momentum > 0 and dampening 0)");
    }
  }

  /** Plain SGD: no momentum, no weight decay. */
  public static SgdConfig of(double lr) {
    return new SgdConfig(lr, 0, 0, 0, false);
  }

  /** Classical (heavy-ball) momentum without dampening. */
  public static SgdConfig ofMomentum(double lr, double momentum) {
    return new SgdConfig(lr, momentum, 0, 0, false);
  }

  /** Nesterov momentum. */
  public static SgdConfig ofNesterov(double lr, double momentum) {
    return new SgdConfig(lr, momentum, 0, 0, true);
  }

  /** This config with another learning rate (for schedules). */
  public SgdConfig withLr(double newLr) {
    return new SgdConfig(newLr, momentum, dampening, weightDecay, nesterov);
  }

  /** This config with another L2 weight decay. */
  public SgdConfig withWeightDecay(double newWeightDecay) {
    return new SgdConfig(lr, momentum, dampening, newWeightDecay, nesterov);
  }

  /** This config with another dampening. */
  public SgdConfig withDampening(double newDampening) {
    return new SgdConfig(lr, momentum, newDampening, weightDecay, nesterov);
  }
}
