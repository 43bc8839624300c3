package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** Accuracy and special values of {@link SimdExp} against {@code Math.exp}. */
class SimdExpTest {

  private static final int LANES = SimdSpecies.LANES;

  /** e^x for each value, through the vector code. */
  private static float[] exp(float[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i += LANES) {
      SimdExp.exp(FloatVector.fromArray(SimdSpecies.FLOAT, x, i)).intoArray(out, i);
    }
    return out;
  }

  @Test
  void withinOneUlpOfMathExpFromUnderflowToOverflow() {
    // Every 257th float of both signs below 110 in magnitude: normal results, subnormal results
    // (x < -87.3), results that round to zero (x < -103.97) and overflow (x > 88.72).
    int stride = 257;
    int limit = Float.floatToRawIntBits(110f);
    int count = 2 * (limit / stride + 1);
    float[] x = new float[(count + LANES - 1) / LANES * LANES];
    int k = 0;
    for (int bits = 0; bits <= limit; bits += stride) {
      x[k++] = Float.intBitsToFloat(bits);
      x[k++] = -Float.intBitsToFloat(bits);
    }
    float[] y = exp(x);
    double worst = 0;
    float worstAt = 0;
    for (int i = 0; i < k; i++) {
      double exact = Math.exp(x[i]);
      float rounded = (float) exact;
      if (Float.isInfinite(rounded) || y[i] == Float.POSITIVE_INFINITY) {
        assertTrue(exact > Float.MAX_VALUE * (1 - 1e-7), "exp(" + x[i] + ") = " + y[i]);
        continue;
      }
      double ulp = Math.max(Math.ulp(rounded), Float.MIN_VALUE);
      double error = Math.abs(y[i] - exact) / ulp;
      if (error > worst) {
        worst = error;
        worstAt = x[i];
      }
    }
    assertTrue(worst <= 1.0, "worst error " + worst + " ulp at x = " + worstAt);
  }

  @Test
  void specialValues() {
    float[] x = new float[Math.max(16, LANES)];
    float[] cases = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 88.8f,
        88.7f, -104.5f, -103.9f, 1f, -1f, 1e-30f, -1e-30f, Float.MAX_VALUE, -Float.MAX_VALUE,
        Float.MIN_VALUE};
    System.arraycopy(cases, 0, x, 0, cases.length);
    float[] y = exp(x);
    assertTrue(Float.isNaN(y[0]), "NaN");
    assertEquals(Float.POSITIVE_INFINITY, y[1], "+inf");
    assertEquals(0f, y[2], "-inf");
    assertEquals(1f, y[3], "0");
    assertEquals(1f, y[4], "-0");
    assertEquals(Float.POSITIVE_INFINITY, y[5], "overflow");
    assertTrue(y[6] > 1e38f && y[6] < Float.POSITIVE_INFINITY, "largest finite range");
    assertEquals(0f, y[7], "underflow");
    assertTrue(y[8] > 0f && y[8] < 1e-44f, "smallest subnormal range");
    assertEquals((float) Math.E, y[9], Math.ulp((float) Math.E));
    assertEquals((float) (1 / Math.E), y[10], Math.ulp((float) (1 / Math.E)));
    assertEquals(1f, y[11]);
    assertEquals(1f, y[12]);
    assertEquals(Float.POSITIVE_INFINITY, y[13]);
    assertEquals(0f, y[14]);
    assertEquals(1f, y[15]);
  }

  @Test
  void aNaNLaneLeavesTheOtherLanesAlone() {
    float[] x = new float[LANES];
    for (int i = 0; i < LANES; i++) {
      x[i] = i % 2 == 0 ? Float.NaN : -i;
    }
    float[] y = exp(x);
    for (int i = 0; i < LANES; i++) {
      if (i % 2 == 0) {
        assertTrue(Float.isNaN(y[i]));
      } else {
        assertEquals((float) Math.exp(-i), y[i], Math.ulp((float) Math.exp(-i)));
      }
    }
  }
}
