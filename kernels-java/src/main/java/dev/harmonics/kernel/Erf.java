package dev.harmonics.kernel;

/**
 * The error function in double precision, which {@code java.lang.Math} lacks: the classic Chebyshev
 * approximation of erfc (fractional error below 1.2e-7), ample for float32 kernels.
 */
public final class Erf {

  private Erf() {}

  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    return x >= 0 ? 1.0 - erfcPositive(x) : erfcPositive(-x) - 1.0;
  }

  private static double erfcPositive(double z) {
    double t = 1.0 / (1.0 + 0.5 * z);
    double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
    return t * Math.exp(poly);
  }
}
