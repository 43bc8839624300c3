package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Accuracy and special values of {@link TableLog} against {@link StrictMath#log}. */
class TableLogTest {

  /**
   * Two double ulps of the result plus the series' truncation (r^6 / 6 at |r| = 2^-8, 5.9e-16)
   * and the rounding of 1 / c in r (half an ulp of 1).
   */
  private static double bound(double exact) {
    return 2 * Math.ulp(exact) + Math.pow(2, -48) / 6 + Math.ulp(1.0) / 2;
  }

  private static void assertNear(double x) {
    double exact = StrictMath.log(x);
    double actual = TableLog.log(x);
    assertTrue(Math.abs(actual - exact) <= bound(exact),
        "log(" + x + ") = " + actual + ", expected " + exact);
  }

  @Test
  void withinBoundAcrossTheNormalRange() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 400_000; i++) {
      assertNear(Math.exp(random.nextDouble(-708, 709.7)));
      assertNear(random.nextDouble(0.25, 4));
    }
  }

  /**
   * Both sides of every boundary between two centres (half-way between {@code 1 + j / 128} and
   * {@code 1 + (j + 1) / 128}, where |r| is largest) and of every octave's end.
   */
  @Test
  void withinBoundAtTheCentreBoundaries() {
    for (int j = 0; j < 128; j++) {
      double boundary = 1 + (2 * j + 1) / 256.0;
      for (double scale : new double[] {1, 0x1p-600, 0x1p600, 0.5}) {
        double x = boundary * scale;
        assertNear(x);
        assertNear(Math.nextUp(x));
        assertNear(Math.nextDown(x));
      }
    }
    assertNear(Math.nextDown(2.0));
    assertNear(Math.nextUp(1.0));
    assertNear(Math.nextDown(1.0));
  }

  @Test
  void exactWherePowersOfTwo() {
    assertEquals(0.0, TableLog.log(1.0));
    for (int k = -1022; k <= 1023; k++) {
      assertEquals(k * StrictMath.log(2.0), TableLog.log(Math.scalb(1.0, k)), "2^" + k);
    }
  }

  @Test
  void specialValuesAsMathLog() {
    double[] special = {0.0, -0.0, -1.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
        Double.NaN, Double.MIN_VALUE, Math.nextDown(Double.MIN_NORMAL)};
    for (double x : special) {
      assertEquals(Math.log(x), TableLog.log(x), "log(" + x + ")");
    }
    assertNear(Double.MIN_NORMAL);
    assertNear(Double.MAX_VALUE);
  }
}
