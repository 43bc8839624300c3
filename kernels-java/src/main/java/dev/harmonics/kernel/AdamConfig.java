package dev.harmonics.kernel;

/**
 * Hyper-parameters of Adam and AdamW, with the meaning of PyTorch's {@code torch.optim.Adam} and
 * {@code torch.optim.AdamW}. AdamW is this record with {@code decoupled = true}: one kernel, one
 * flag.
 *
 * <p>One update at 1-based step {@code t}, with {@code g} the gradient:
 *
 * <pre>
 *   p = p * (1 - lr * weightDecay)                   (decoupled: AdamW)
 *   g = g + weightDecay * p                          (coupled: Adam's L2 penalty)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g * g
 *   vMax = max(vMax, v); v' = vMax                   (amsgrad; otherwise v' = v)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v') / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * @param lr learning rate, finite and {@code >= 0}
 * @param beta1 decay of the first moment, in {@code [0, 1)}
 * @param beta2 decay of the second moment, in {@code [0, 1)}
 * @param eps added to the bias-corrected root of the second moment, finite and {@code >= 0}
 * @param weightDecay finite and {@code >= 0}; an L2 term in the gradient, or decoupled (AdamW)
 * @param decoupled AdamW: decay the weights directly instead of adding to the gradient
 * @param amsgrad use the running maximum of the second moment (needs a {@code vMax} tensor)
 */
public record AdamConfig(double lr, double beta1, double beta2, double eps, double weightDecay,
    boolean decoupled, boolean amsgrad) {

  /** Checks every range. */
  public AdamConfig {
    HyperParameters.nonNegative("lr", lr);
    HyperParameters.decayRate("beta1", beta1);
    HyperParameters.decayRate("beta2", beta2);
    HyperParameters.nonNegative("eps", eps);
    HyperParameters.nonNegative("weightDecay", weightDecay);
  }

  /** Adam with betas 0.9 and 0.999, eps 1e-8, no weight decay (PyTorch's defaults). */
  public static AdamConfig adam(double lr) {
    return new AdamConfig(lr, 0.9, 0.999, 1e-8, 0, false, false);
  }

  /** AdamW with betas 0.9 and 0.999, eps 1e-8 (PyTorch's defaults; its default decay is 0.01). */
  public static AdamConfig adamW(double lr, double weightDecay) {
    return new AdamConfig(lr, 0.9, 0.999, 1e-8, weightDecay, true, false);
  }

  /** This config with another learning rate (for schedules). */
  public AdamConfig withLr(double newLr) {
    return new AdamConfig(newLr, beta1, beta2, eps, weightDecay, decoupled, amsgrad);
  }

  /** This config with another weight decay, keeping coupled or decoupled as it is. */
  public AdamConfig withWeightDecay(double newWeightDecay) {
    return new AdamConfig(lr, beta1, beta2, eps, newWeightDecay, decoupled, amsgrad);
  }

  /** This config with AMSGrad switched on or off. */
  public AdamConfig withAmsgrad(boolean on) {
    return new AdamConfig(lr, beta1, beta2, eps, weightDecay, decoupled, on);
  }
}
