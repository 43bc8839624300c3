package dev.harmonics.kernel.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.harmonics.kernel.Activation;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of {@link SimdActivationMath} against double-precision definitions, over dense sweeps
 * of [-20, 20], every power-of-two-spaced magnitude from 1e-30 to 3e38 of both signs, the edges of
 * exp's range, and the special values.
 *
 * <p>The error allowed is {@code REL * |exact| + ABS}: REL is the stated relative accuracy, ABS
 * ({@value #ABS}) only forgives results in the denormal range, where float has no relative
 * precision left. Exact results beyond the float range must come out infinite.
 */
class SimdActivationMathTest {

  /** Absolute slack: the smallest normal float, so denormal results are not judged relatively. */
  private static final double ABS = Float.MIN_NORMAL;
  /** exp: under one float ulp (2^-23 = 1.19e-7 relative). */
  private static final double REL_EXP = 1e-7;
  /** expm1 and sigmoid: an extra rounding or two on top of exp. */
  private static final double REL_EXPM1 = 2e-7;
  /** tanh and softplus: polynomial or exp and a division, about 1.3 ulps. */
  private static final double REL_TANH = 1.5e-7;
  /** GELU forms and their derivatives: rational approximation, exp and products, 3.5 ulps. */
  private static final double REL_GELU = 4e-7;
  /**
   * The GELU derivatives cross zero (near x = -0.75), where only an absolute error makes sense:
   * about one ulp of their terms, which are of order 1.
   */
  private static final double ABS_DERIVATIVE = 2e-7;
  /**
   * GELU-tanh is e^(2u) in its negative tail; the float rounding of 2u (a cubic) and of its
   * constants is amplified by |2u| into the result's relative error.
   */
  private static final double REL_PER_EXPONENT = 3e-7;

  private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, 88.72283f, 88.7228394f, -87.33655f, -103.278931f, -104f, -150f,
      0.625f, -0.625f, 0.5f, -0.5f, 1e-7f, -1e-7f, 15f, -15f, 10f, -10f};

  @Test
  void expMatchesMathExp() {
    check("exp", SimdActivationMath::exp, Math::exp, REL_EXP);
  }

  @Test
  void expm1MatchesMathExpm1() {
    check("expm1", SimdActivationMath::expm1, Math::expm1, REL_EXPM1);
  }

  @Test
  void sigmoidMatchesTheDefinition() {
    check("sigmoid", SimdActivationMath::sigmoid, activation(Activation.SIGMOID), REL_EXPM1);
  }

  @Test
  void tanhMatchesMathTanh() {
    check("tanh", SimdActivationMath::tanh, Math::tanh, REL_TANH);
  }

  @Test
  void softplusMatchesTheDefinition() {
    check("softplus", SimdActivationMath::softplus, activation(Activation.SOFTPLUS), REL_TANH);
  }

  @Test
  void geluErfMatchesTheDefinition() {
    check("geluErf", SimdActivationMath::geluErf, activation(Activation.GELU_ERF), REL_GELU);
    check("geluErf'", SimdActivationMath::geluErfDerivative, derivative(Activation.GELU_ERF),
        REL_GELU, ABS_DERIVATIVE);
  }

  @Test
  void geluTanhMatchesTheDefinition() {
    DoubleUnaryOperator rel =
        x -> REL_GELU + REL_PER_EXPONENT * Math.min(Math.abs(tanhArgument(x)), 200);
    check("geluTanh", SimdActivationMath::geluTanh, activation(Activation.GELU_TANH), rel, ABS);
    check("geluTanh'", SimdActivationMath::geluTanhDerivative, derivative(Activation.GELU_TANH),
        rel, ABS_DERIVATIVE);
  }

  /** The exponent 2u = 2k (x + c x^3) inside GELU-tanh. */
  private static double tanhArgument(double x) {
    return 2 * Activation.GELU_TANH_SCALE * (x + Activation.GELU_TANH_CUBIC * x * x * x);
  }

  @Test
  void nanPropagatesThroughEveryFunction() {
    for (UnaryOperator<FloatVector> f : Arrays.<UnaryOperator<FloatVector>>asList(
        SimdActivationMath::exp, SimdActivationMath::expm1, SimdActivationMath::sigmoid,
        SimdActivationMath::tanh, SimdActivationMath::softplus, SimdActivationMath::geluErf,
        SimdActivationMath::geluErfDerivative, SimdActivationMath::geluTanh,
        SimdActivationMath::geluTanhDerivative)) {
      float[] out = apply(f, new float[] {Float.NaN});
      assertTrue(Float.isNaN(out[0]), "NaN in must give NaN out, got " + out[0]);
    }
  }

  @Test
  void infinitiesGiveTheLimits() {
    float inf = Float.POSITIVE_INFINITY;
    float[] both = {inf, -inf};
    assertArrayEquals(new float[] {inf, 0f}, apply(SimdActivationMath::exp, both), "exp");
    assertArrayEquals(new float[] {1f, 0f}, apply(SimdActivationMath::sigmoid, both), "sigmoid");
    assertArrayEquals(new float[] {1f, -1f}, apply(SimdActivationMath::tanh, both), "tanh");
    assertArrayEquals(new float[] {inf, 0f}, apply(SimdActivationMath::softplus, both), "softplus");
    assertArrayEquals(new float[] {inf, 0f}, apply(SimdActivationMath::geluErf, both), "geluErf");
    assertArrayEquals(new float[] {inf, 0f}, apply(SimdActivationMath::geluTanh, both), "geluTanh");
    assertArrayEquals(new float[] {1f, 0f}, apply(SimdActivationMath::geluErfDerivative, both),
        "geluErf'");
    assertArrayEquals(new float[] {1f, 0f}, apply(SimdActivationMath::geluTanhDerivative, both),
        "geluTanh'");
    assertEquals(-1f, apply(SimdActivationMath::expm1, new float[] {-inf})[0], "expm1(-inf)");
  }

  private static void assertArrayEquals(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-30f, what + " at lane " + i);
    }
  }

  private static DoubleUnaryOperator activation(Activation f) {
    return x -> f.applyAsDouble(x, 0);
  }

  private static DoubleUnaryOperator derivative(Activation f) {
    return x -> f.derivativeAsDouble(x, 0);
  }

  private static void check(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator exact,
      double rel) {
    check(name, f, exact, rel, ABS);
  }

  private static void check(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator exact,
      double rel, double abs) {
    check(name, f, exact, x -> rel, abs);
  }

  private static void check(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator exact,
      DoubleUnaryOperator relative, double abs) {
    float[] xs = samples();
    float[] got = apply(f, xs);
    for (int i = 0; i < xs.length; i++) {
      double e = exact.applyAsDouble(xs[i]);
      if (Double.isNaN(e)) {
        continue;
      }
      if (Math.abs(e) > Float.MAX_VALUE) {
        if (got[i] != (float) e) {
          fail(name + "(" + xs[i] + ") = " + got[i] + " (expected " + e + ")");
        }
        continue;
      }
      double err = Math.abs(got[i] - e);
      double rel = relative.applyAsDouble(xs[i]);
      if (!(err <= rel * Math.abs(e) + abs)) {
        fail(name + "(" + xs[i] + ") = " + got[i] + " (expected " + e + ", relative error "
            + err / Math.abs(e) + ", allowed " + rel + ")");
      }
    }
  }

  private static float[] samples() {
    int dense = 400_001;
    int magnitudes = 2 * 2 * 1000;
    float[] xs = new float[dense + magnitudes + SPECIAL.length];
    int k = 0;
    for (int i = 0; i < dense; i++) {
      xs[k++] = -20f + 40f * i / (dense - 1);
    }
    for (int i = 0; i < magnitudes / 2; i++) {
      float m = (float) Math.pow(10, -30 + 68.5 * i / (magnitudes / 2 - 1));
      xs[k++] = m;
      xs[k++] = -m;
    }
    for (float s : SPECIAL) {
      xs[k++] = s;
    }
    return xs;
  }

  private static float[] apply(UnaryOperator<FloatVector> f, float[] xs) {
    int lanes = SimdSpecies.LANES;
    float[] padded = Arrays.copyOf(xs, (xs.length + lanes - 1) / lanes * lanes);
    float[] out = new float[padded.length];
    for (int i = 0; i < padded.length; i += lanes) {
      f.apply(FloatVector.fromArray(SimdSpecies.FLOAT, padded, i)).intoArray(out, i);
    }
    return Arrays.copyOf(out, xs.length);
  }
}
