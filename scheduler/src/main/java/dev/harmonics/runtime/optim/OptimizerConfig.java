package dev.harmonics.runtime.optim;

/**
 * Which update rule training uses, with its own hyper-parameters. The learning rate comes from the
 * fit options and their schedule, and the weight decay from the fit options too (applied only to
 * parameters that decay: weights, not biases or norm scales). Each rule runs as one fused kernel
 * of the kernels' {@code OptimizerKernels}, with PyTorch's meaning (see {@code SgdConfig},
 * {@code AdamConfig}, {@code RmsPropConfig}, {@code LambConfig}).
 */
public sealed interface OptimizerConfig {

  /** The name used on the command line and in checkpoints. */
  String id();

  /**
   * Stochastic gradient descent, with heavy-ball or Nesterov momentum when {@code momentum > 0};
   * weight decay is an L2 term in the gradient.
   */
  record Sgd(double momentum, boolean nesterov) implements OptimizerConfig {
    @Override
    public String id() {
      return "sgd";
    }
  }

  /** Adam; weight decay is an L2 term in the gradient (coupled). */
  record Adam(double beta1, double beta2, double eps) implements OptimizerConfig {
    @Override
    public String id() {
      return "adam";
    }
  }

  /** AdamW: Adam with decoupled weight decay. */
  record AdamW(double beta1, double beta2, double eps) implements OptimizerConfig {
    @Override
    public String id() {
      return "adamw";
    }
  }

  /** RMSProp with decay {@code alpha}, optional momentum and centering. */
  record RmsProp(double alpha, double eps, double momentum, boolean centered)
      implements OptimizerConfig {
    @Override
    public String id() {
      return "rmsprop";
    }
  }

  /** LAMB: per-tensor trust ratios over Adam's update, weight decay inside the update. */
  record Lamb(double beta1, double beta2, double eps) implements OptimizerConfig {
    @Override
    public String id() {
      return "lamb";
    }
  }

  /** SGD with momentum 0.9. */
  static OptimizerConfig sgd() {
    return new Sgd(0.9, false);
  }

  /** Adam with betas 0.9, 0.999 and eps 1e-8. */
  static OptimizerConfig adam() {
    return new Adam(0.9, 0.999, 1e-8);
  }

  /** AdamW with betas 0.9, 0.999 and eps 1e-8. */
  static OptimizerConfig adamW() {
    return new AdamW(0.9, 0.999, 1e-8);
  }

  /** RMSProp with decay 0.9, eps 1e-8, no momentum, not centered. */
  static OptimizerConfig rmsProp() {
    return new RmsProp(0.9, 1e-8, 0, false);
  }

  /** LAMB with betas 0.9, 0.999 and eps 1e-6. */
  static OptimizerConfig lamb() {
    return new Lamb(0.9, 0.999, 1e-6);
  }

  /**
   * The default configuration of the optimizer named {@code id} ({@code sgd}, {@code adam},
   * {@code adamw}, {@code rmsprop}, {@code lamb}, any case).
   */
  static OptimizerConfig named(String id) {
    return switch (id.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "sgd" -> sgd();
      case "adam" -> adam();
      case "adamw" -> adamW();
      case "rmsprop" -> rmsProp();
      case "lamb" -> lamb();
      default -> throw new IllegalArgumentException("optimizer: '" + id
          + "' (expected one of: sgd, adam, adamw, rmsprop, lamb)");
    };
  }
}
