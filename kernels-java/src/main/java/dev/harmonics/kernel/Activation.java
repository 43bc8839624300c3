package dev.harmonics.kernel;

/**
 * Point-wise activation functions, with their scalar definitions. The scalar forms here are the
 * reference semantics; the SIMD kernels must agree with them within each kernel's stated tolerance.
 *
 * <p>{@code alpha} is the one parameter some functions take: the negative slope of leaky ReLU and
 * PReLU (default 0.01 and 0.25), the scale of ELU (default 1). Others ignore it.
 */
public enum Activation {
  IDENTITY,
  RELU,
  LEAKY_RELU,
  PRELU,
  ELU,
  SELU,
  /** GELU with the exact Gaussian CDF, {@code x * Φ(x)}. */
  GELU_ERF,
  /** GELU with the tanh approximation of Φ. */
  GELU_TANH,
  SIGMOID,
  TANH,
  SOFTPLUS,
  SOFTSIGN;

  public static final double SELU_LAMBDA = 1.0507009873554804934193349852946;
  public static final double SELU_ALPHA = 1.6732632423543772848170429916717;

  /** The usual default of {@code alpha} for this function. */
  public float defaultAlpha() {
    return switch (this) {
      case LEAKY_RELU -> 0.01f;
      case PRELU -> 0.25f;
      case ELU -> 1f;
      default -> 0f;
    };
  }

  /** f(x), computed in double and rounded once. */
  public float apply(float x, float alpha) {
    double v = x;
    double y = switch (this) {
      case IDENTITY -> v;
      case RELU -> v > 0 ? v : (Double.isNaN(v) ? v : 0.0);
      case LEAKY_RELU, PRELU -> v >= 0 ? v : alpha * v;
      case ELU -> v > 0 ? v : alpha * Math.expm1(v);
      case SELU -> SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
      case GELU_ERF -> 0.5 * v * (1.0 + Erf.erf(v / Math.sqrt(2.0)));
      case GELU_TANH ->
          0.5 * v * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (v + 0.044715 * v * v * v)));
      case SIGMOID -> 1.0 / (1.0 + Math.exp(-v));
      case TANH -> Math.tanh(v);
      case SOFTPLUS -> Math.max(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v)));
      case SOFTSIGN -> v / (1.0 + Math.abs(v));
    };
    return (float) y;
  }

  /** f'(x), computed in double and rounded once. */
  public float derivative(float x, float alpha) {
    double v = x;
    double d = switch (this) {
      case IDENTITY -> 1.0;
      case RELU -> v > 0 ? 1.0 : (Double.isNaN(v) ? v : 0.0);
      case LEAKY_RELU, PRELU -> v >= 0 ? 1.0 : alpha;
      case ELU -> v > 0 ? 1.0 : alpha * Math.exp(v);
      case SELU -> SELU_LAMBDA * (v > 0 ? 1.0 : SELU_ALPHA * Math.exp(v));
      case GELU_ERF -> {
        double cdf = 0.5 * (1.0 + Erf.erf(v / Math.sqrt(2.0)));
        double pdf = Math.exp(-0.5 * v * v) / Math.sqrt(2.0 * Math.PI);
        yield cdf + v * pdf;
      }
      case GELU_TANH -> {
        double k = Math.sqrt(2.0 / Math.PI);
        double inner = k * (v + 0.044715 * v * v * v);
        double t = Math.tanh(inner);
        yield 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * k * (1.0 + 3 * 0.044715 * v * v);
      }
      case SIGMOID -> {
        double s = 1.0 / (1.0 + Math.exp(-v));
        yield s * (1.0 - s);
      }
      case TANH -> {
        double t = Math.tanh(v);
        yield 1.0 - t * t;
      }
      case SOFTPLUS -> 1.0 / (1.0 + Math.exp(-v));
      case SOFTSIGN -> {
        double a = 1.0 + Math.abs(v);
        yield 1.0 / (a * a);
      }
    };
    return (float) d;
  }
}
