package dev.harmonics.kernel;

/**
 * The error function and its complement in double precision, which {@code java.lang.Math} lacks.
 * They define the exact GELU and are the oracle the float SIMD approximations are tested against,
 * so they aim for near double accuracy (relative error below about 1e-12 over the whole range)
 * rather than speed.
 *
 * <p>erf uses its everywhere-convergent series of positive terms, {@code erf(x) = 2/sqrt(pi) * x *
 * exp(-x^2) * sum (2x^2)^n / (1*3*...*(2n+1))}, which has no cancellation; erfc of large arguments
 * uses the continued fraction of the complementary function, so the tail keeps its relative
 * accuracy down to the smallest doubles instead of being lost in {@code 1 - erf(x)}.
 */
public final class Erf {

  /** Below this the series converges in at most about 40 terms; above it the fraction does. */
  private static final double SERIES_LIMIT = 2.5;
  /** Depth of the continued fraction; 40 levels give full double accuracy for x >= 2.5. */
  private static final int FRACTION_DEPTH = 40;
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
  private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;

  private Erf() {}

  /** erf(x); odd, tends to +-1, NaN for NaN. */
  public static double erf(double x) {
    double a = Math.abs(x);
    if (!(a < SERIES_LIMIT)) {
      return Double.isNaN(x) ? x : Math.copySign(1.0 - erfcTail(a), x);
    }
    return series(x);
  }

  /** erfc(x) = 1 - erf(x), accurate relative to its own (possibly tiny) value for large x. */
  public static double erfc(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    if (x >= SERIES_LIMIT) {
      return erfcTail(x);
    }
    if (x <= -SERIES_LIMIT) {
      return 2.0 - erfcTail(-x);
    }
    return 1.0 - series(x);
  }

  private static double series(double x) {
    double x2 = x * x;
    double term = 1.0;
    double sum = 1.0;
    for (int n = 1; term > 1e-17 * sum; n++) {
      term *= 2.0 * x2 / (2 * n + 1);
      sum += term;
    }
    return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
  }

  /** erfc(x) for x >= SERIES_LIMIT (and +inf). */
  private static double erfcTail(double x) {
    if (x == Double.POSITIVE_INFINITY) {
      return 0.0;
    }
    double k = x;
    for (int n = FRACTION_DEPTH; n > 0; n--) {
      k = x + 0.5 * n / k;
    }
    // x*x is rounded; carrying its rounding error keeps exp(-x^2) accurate for large x.
    double hi = x * x;
    double lo = Math.fma(x, x, -hi);
    return Math.exp(-hi) * (1.0 - lo) * ONE_OVER_SQRT_PI / k;
  }
}
