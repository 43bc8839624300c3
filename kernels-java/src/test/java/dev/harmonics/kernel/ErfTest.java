package dev.harmonics.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Erf against values computed with mpmath at 30 digits. */
class ErfTest {

  private static void assertRelative(double expected, double actual, double rel) {
    assertTrue(Math.abs(actual - expected) <= rel * Math.abs(expected),
        actual + " (expected " + expected + ")");
  }

  @Test
  void erfMatchesHighPrecisionValues() {
    assertRelative(0.520499877813046537682746653892, Erf.erf(0.5), 1e-15);
    assertRelative(0.842700792949714869341220635083, Erf.erf(1), 1e-15);
    assertRelative(-0.995322265018952734162069256367, Erf.erf(-2), 1e-15);
    assertRelative(0.99997790950300141455862722387, Erf.erf(3), 1e-15);
    assertRelative(1.12837916709551257389239763923e-10, Erf.erf(1e-10), 1e-15);
  }

  @Test
  void erfcKeepsRelativeAccuracyInTheTail() {
    assertRelative(6.88513896645078885549974809715e-4, Erf.erfc(2.4), 1e-12);
    assertRelative(2.36034416529349087812820602355e-4, Erf.erfc(2.6), 1e-14);
    assertRelative(1.53745979442803485018834348538e-12, Erf.erfc(5), 1e-14);
    assertRelative(2.08848758376254475700078629496e-45, Erf.erfc(10), 1e-14);
    assertRelative(5.66319240885614284647572789693e-296, Erf.erfc(26), 1e-13);
    assertRelative(1.84270079294971486934122063508, Erf.erfc(-1), 1e-15);
  }

  @Test
  void specialValues() {
    assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
    assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
    assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
    assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
    assertEquals(0.0, Erf.erf(0.0));
    assertEquals(1.0, Erf.erfc(0.0));
  }
}
