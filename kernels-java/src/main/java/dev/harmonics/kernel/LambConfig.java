package dev.harmonics.kernel;

/**
 * Hyper-parameters of LAMB (layer-wise adaptive moments, You et al. 2019), applied per tensor.
 *
 * <p>One update at 1-based step {@code t}, with {@code g} the gradient:
 *
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   u = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps) + weightDecay * p
 *   r = ||p|| / ||u||   (Euclidean norms over the whole tensor, p before this update;
 *                        r = 1 when either norm is 0)
 *   p = p - lr * r * u
 * </pre>
 *
 * The scaling function the paper calls phi is the identity: {@code ||p||} is not clamped.
 *
 * @param lr learning rate, finite and {@code >= 0}
 * @param beta1 decay of the first moment, in {@code [0, 1)}
 * @param beta2 decay of the second moment, in {@code [0, 1)}
 * @param eps added to the bias-corrected root of the second moment, finite and {@code >= 0}
 * @param weightDecay decoupled weight decay, part of {@code u}; finite and {@code >= 0}
 */
public record LambConfig(double lr, double beta1, double beta2, double eps, double weightDecay) {

  /** Checks every range. */
  public LambConfig {
    HyperParameters.nonNegative("lr", lr);
    HyperParameters.decayRate("beta1", beta1);
    HyperParameters.decayRate("beta2", beta2);
    HyperParameters.nonNegative("eps", eps);
    HyperParameters.nonNegative("weightDecay", weightDecay);
  }

  /** LAMB with betas 0.9 and 0.999, eps 1e-6 and weight decay 0.01, the usual LAMB defaults. */
  public static LambConfig of(double lr) {
    return new LambConfig(lr, 0.9, 0.999, 1e-6, 0.01);
  }

  /** This config with another learning rate (for schedules). */
  public LambConfig withLr(double newLr) {
    return new LambConfig(newLr, beta1, beta2, eps, weightDecay);
  }

  /** This config with another weight decay. */
  public LambConfig withWeightDecay(double newWeightDecay) {
    return new LambConfig(lr, beta1, beta2, eps, newWeightDecay);
  }
}
