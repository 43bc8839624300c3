package dev.harmonics.kernel.simd;

/**
 * The natural logarithm of a double in fewer dependent steps than {@link Math#log}, for the end of
 * a small call's dependency chain (cross-entropy takes one logarithm of its rows' exponential
 * sums, and on [4, 16] logits {@code Math.log} was about 18 ns of a 118 ns call, all of it on
 * the path to the returned loss).
 *
 * <p>{@code x = 2^k m} with {@code m} in {@code [1, 2)}; {@code m} is rounded to the nearest
 * {@code c = 1 + j / 128} and {@code log x = k ln2 + log c + log1p(r)} with {@code r = m / c - 1},
 * {@code |r| <= 2^-8}, where a degree-5 series leaves at most {@code r^6 / 6}, 6e-16. Centres on
 * that grid make {@code log(2^k)} one rounding of {@code k ln2}, and {@code log(1)} exactly 0. The
 * table is filled with {@link StrictMath#log} and the steps are plain double arithmetic and {@link
 * Math#fma}, so the result is the same interpreted and compiled. Zero, negatives, subnormals,
 * infinities and NaN go to {@link Math#log}.
 */
final class TableLog {

  /** Centres per octave: {@code c = 1 + j / STEPS} for {@code j} in {@code [0, STEPS]}. */
  private static final int STEP_BITS = 7;
  private static final int STEPS = 1 << STEP_BITS;
  private static final int MANTISSA_BITS = 52;
  private static final long MANTISSA_MASK = (1L << MANTISSA_BITS) - 1;
  private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);
  private static final int EXPONENT_BIAS = 1023;
  private static final double LN2 = StrictMath.log(2.0);

  /** {@code 1 / c} per centre. */
  private static final double[] INVERSE_CENTRE = new double[STEPS + 1];
  /** {@code log c} per centre. */
  private static final double[] LOG_CENTRE = new double[STEPS + 1];

  static {
    for (int j = 0; j <= STEPS; j++) {
      double centre = 1 + (double) j / STEPS;
      INVERSE_CENTRE[j] = 1 / centre;
      LOG_CENTRE[j] = StrictMath.log(centre);
    }
  }

  private TableLog() {}

  /**
   * {@code log(x)} within two double ulps of the result plus {@code 7e-16}: the series'
   * truncation (at most {@code 6e-16}, where {@code m} lies half-way between two centres) and the
   * rounding of {@code 1 / c}. Relative to the result that is 3 ulps near {@code |log x| = 1.4}
   * and under 2 ulps beyond 2.
   */
  static double log(double x) {
    if (!(x >= Double.MIN_NORMAL && x <= Double.MAX_VALUE)) {
      return Math.log(x);
    }
    long bits = Double.doubleToRawLongBits(x);
    int k = (int) (bits >>> MANTISSA_BITS) - EXPONENT_BIAS;
    // the top STEP_BITS + 1 mantissa bits, halved with rounding: the nearest centre
    int j = (((int) (bits >>> (MANTISSA_BITS - STEP_BITS - 1)) & (2 * STEPS - 1)) + 1) >>> 1;
    double m = Double.longBitsToDouble((bits & MANTISSA_MASK) | ONE_BITS);
    double r = Math.fma(m, INVERSE_CENTRE[j], -1);
    double r2 = r * r;
    double low = Math.fma(r, 1.0 / 3, -0.5);
    double high = Math.fma(r, 0.2, -0.25);
    double series = Math.fma(r2, Math.fma(r2, high, low), r);
    return Math.fma(k, LN2, LOG_CENTRE[j]) + series;
  }
}
