package dev.harmonics.kernel;

/**
 * Point-wise activation functions, with their scalar definitions. The scalar forms here are the
 * reference semantics; the SIMD kernels must agree with them within each kernel's stated tolerance.
 *
 * <p>{@code alpha} is the one parameter some functions take ({@link #usesAlpha()}): the negative
 * slope of leaky ReLU and PReLU (default 0.01 and 0.25) and the scale of ELU (default 1). Others
 * ignore it; SELU has its fixed constants {@link #SELU_LAMBDA} and {@link #SELU_ALPHA}.
 *
 * <p>Edge cases, the same in every backend:
 * <ul>
 *   <li>NaN in gives NaN out, for the function and for its derivative (so a NaN input poisons its
 *       gradient instead of being silently dropped).
 *   <li>At a kink (0 for the ReLU family and ELU/SELU) the derivative is the left-hand one: 0 for
 *       ReLU, alpha for leaky ReLU and PReLU, alpha for ELU, lambda * alpha for SELU, as PyTorch.
 *   <li>Infinities give the limits: GELU(-inf) = 0, GELU(+inf) = +inf, softsign(+-inf) = +-1, and
 *       every derivative tends to its limit (0 or 1, or alpha on the negative side of leaky ReLU).
 * </ul>
 *
 * <p>Every formula is arranged so that double precision keeps full relative accuracy in the tails
 * (for example the sigmoid derivative as {@code e / (1 + e)^2} with {@code e = exp(-|x|)} rather
 * than {@code s * (1 - s)}, which cancels), since these are the oracle for the float kernels.
 */
public enum Activation {
  IDENTITY,
  RELU,
  LEAKY_RELU,
  PRELU,
  ELU,
  SELU,
  /** GELU with the exact Gaussian CDF, {@code x * Phi(x)}. */
  GELU_ERF,
  /**
   * GELU with the tanh approximation of Phi, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
   * x^3)))}.
   */
  GELU_TANH,
  SIGMOID,
  TANH,
  /** {@code log(1 + exp(x))}, exactly (no PyTorch-style threshold switching to x). */
  SOFTPLUS,
  SOFTSIGN;

  public static final double SELU_LAMBDA = 1.0507009873554804934193349852946;
  public static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  /** sqrt(2 / pi), the scale inside the tanh form of GELU. */
  public static final double GELU_TANH_SCALE = 0.7978845608028654;
  /** The cubic coefficient inside the tanh form of GELU. */
  public static final double GELU_TANH_CUBIC = 0.044715;

  private static final double INV_SQRT_2 = 0.7071067811865476;
  private static final double INV_SQRT_2PI = 0.3989422804014327;

  /** The usual default of {@code alpha} for this function. */
  public float defaultAlpha() {
    return switch (this) {
      case LEAKY_RELU -> 0.01f;
      case PRELU -> 0.25f;
      case ELU -> 1f;
      default -> 0f;
    };
  }

  /** Whether {@code alpha} changes this function (LEAKY_RELU, PRELU and ELU). */
  public boolean usesAlpha() {
    return this == LEAKY_RELU || this == PRELU || this == ELU;
  }

  /** f(x), computed in double and rounded once. */
  public float apply(float x, float alpha) {
    return (float) applyAsDouble(x, alpha);
  }

  /** f'(x), computed in double and rounded once. */
  public float derivative(float x, float alpha) {
    return (float) derivativeAsDouble(x, alpha);
  }

  /** f(v) in double precision. */
  public double applyAsDouble(double v, double alpha) {
    if (Double.isNaN(v)) {
      return v;
    }
    return switch (this) {
      case IDENTITY -> v;
      case RELU -> v > 0 ? v : 0.0;
      case LEAKY_RELU, PRELU -> v > 0 ? v : alpha * v;
      case ELU -> v > 0 ? v : alpha * Math.expm1(v);
      case SELU -> SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
      case GELU_ERF -> v == Double.NEGATIVE_INFINITY ? 0.0 : v * normalCdf(v);
      case GELU_TANH -> v == Double.NEGATIVE_INFINITY ? 0.0 : v * logistic(2 * geluTanhInner(v));
      case SIGMOID -> logistic(v);
      case TANH -> Math.tanh(v);
      case SOFTPLUS -> Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v)));
      case SOFTSIGN -> Double.isInfinite(v) ? Math.signum(v) : v / (1.0 + Math.abs(v));
    };
  }

  /** f'(v) in double precision. */
  public double derivativeAsDouble(double v, double alpha) {
    if (Double.isNaN(v)) {
      return v;
    }
    return switch (this) {
      case IDENTITY -> 1.0;
      case RELU -> v > 0 ? 1.0 : 0.0;
      case LEAKY_RELU, PRELU -> v > 0 ? 1.0 : alpha;
      case ELU -> v > 0 ? 1.0 : alpha * Math.exp(v);
      case SELU -> SELU_LAMBDA * (v > 0 ? 1.0 : SELU_ALPHA * Math.exp(v));
      case GELU_ERF -> {
        if (Double.isInfinite(v)) {
          yield v > 0 ? 1.0 : 0.0;
        }
        yield normalCdf(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
      }
      case GELU_TANH -> {
        if (Double.isInfinite(v)) {
          yield v > 0 ? 1.0 : 0.0;
        }
        // 0.5 (1 + tanh u) = logistic(2u) and its slope 0.5 sech^2(u) = 2 s (1 - s), both in a
        // form that does not cancel for large |u|.
        double u = geluTanhInner(v);
        double s = logistic(2 * u);
        double slope = 2 * s * logistic(-2 * u);
        yield s + v * slope * GELU_TANH_SCALE * (1.0 + 3 * GELU_TANH_CUBIC * v * v);
      }
      case SIGMOID -> logisticSlope(v);
      case SOFTPLUS -> logistic(v);
      case TANH -> {
        double e = Math.exp(-2 * Math.abs(v));
        yield 4 * e / ((1 + e) * (1 + e));
      }
      case SOFTSIGN -> {
        double a = 1.0 + Math.abs(v);
        yield 1.0 / (a * a);
      }
    };
  }

  private static double normalCdf(double v) {
    return 0.5 * Erf.erfc(-v * INV_SQRT_2);
  }

  private static double geluTanhInner(double v) {
    return GELU_TANH_SCALE * (v + GELU_TANH_CUBIC * v * v * v);
  }

  private static double logistic(double v) {
    return 1.0 / (1.0 + Math.exp(-v));
  }

  private static double logisticSlope(double v) {
    double e = Math.exp(-Math.abs(v));
    return e / ((1 + e) * (1 + e));
  }
}
