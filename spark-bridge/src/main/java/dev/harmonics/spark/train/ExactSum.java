package dev.harmonics.spark.train;

import java.io.Serializable;

/**
 * A sum of float arrays that does not depend on the order of its terms, so a Spark job gives the
 * same model however its tasks are scheduled, retried or combined by {@code treeAggregate}.
 *
 * <p>Floating-point addition is not associative: summing partition results in the order tasks
 * happen to finish would change the last bits of the model from run to run. Each value is
 * instead rounded once to a fixed-point integer, {@code round(x * 2^scale)}, and the integers are
 * added, which is exact. {@code scale} comes from the largest magnitude any term holds (found
 * first with an exact max), leaving headroom for the number of terms, so no sum can overflow;
 * values are resolved to about 2^-50 of that largest magnitude.
 */
final class ExactSum implements Serializable {

  /** Bits kept below the largest magnitude: 62 minus headroom for up to 2^10 terms. */
  private static final int PRECISION_BITS = 51;

  private final int scale;
  private final long[] sums;
  private int terms;

  ExactSum(int length, int largestExponent) {
    this.scale = PRECISION_BITS - largestExponent;
    this.sums = new long[length];
  }

  /** The exponent {@link #ExactSum} needs for these values: that of their largest magnitude. */
  static int largestExponent(float[] values) {
    float max = 0;
    for (float v : values) {
      if (!Float.isFinite(v)) {
        throw new ArithmeticException("cannot sum a non-finite value: " + v);
      }
      max = Math.max(max, Math.abs(v));
    }
    return max == 0 ? Float.MIN_EXPONENT : Math.getExponent(max) + 1;
  }

  /** Adds {@code values}, one term. */
  ExactSum add(float[] values) {
    if (values.length != sums.length) {
      throw new IllegalArgumentException(
          "values: " + values.length + " elements (expected: " + sums.length + ")");
    }
    for (int i = 0; i < values.length; i++) {
      sums[i] += Math.round(Math.scalb((double) values[i], scale));
    }
    terms++;
    return this;
  }

  /** Adds another sum of the same scale. */
  ExactSum merge(ExactSum other) {
    if (other.scale != scale || other.sums.length != sums.length) {
      throw new IllegalArgumentException("sums of different scale or length cannot be merged");
    }
    for (int i = 0; i < sums.length; i++) {
      sums[i] += other.sums[i];
    }
    terms += other.terms;
    return this;
  }

  /** How many arrays were added. */
  int terms() {
    return terms;
  }

  /** The sum divided by {@code divisor}, as floats. */
  float[] dividedBy(double divisor) {
    float[] out = new float[sums.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (Math.scalb((double) sums[i], -scale) / divisor);
    }
    return out;
  }
}
