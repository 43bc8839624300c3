package dev.harmonics.kernel.simd;

import static dev.harmonics.testing.TensorAssertions.assertNoSubnormal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.DoublePredicate;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of {@link SimdActivationMath}, through the exp pass and the SIMD kernels (on whole
 * vectors, so no element takes the scalar tail), against double-precision definitions: a dense
 * sweep of [-20, 20], 2000 log-spaced magnitudes from 1e-30 to 3e38 of both signs, the edges of
 * exp's range, and the special values.
 *
 * <p>The error allowed is {@code REL * |exact| + ABS}: REL is the stated relative accuracy, ABS
 * ({@value #ABS}) only forgives results at the bottom of the float range. Exact results beyond the
 * float range must come out infinite.
 */
class SimdActivationMathTest {

  private static final ActivationKernels KERNELS =
      KernelProviders.of(Backend.SIMD).activations();

  /**
   * Absolute slack for results near the bottom of the float range: exp flushes values below the
   * smallest normal float (1.2e-38) to zero, and the activations scale such values by at most
   * about 20, so results under 1e-36 are not judged relatively.
   */
  private static final double ABS = 1e-36;
  /** exp (of x <= 0, all the activations need): under one float ulp (1.19e-7 relative). */
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
  void expMatchesMathExpForNonPositiveArguments() {
    check("exp", SimdActivationMathTest::exp, x -> Math.exp(Math.min(x, 0)), REL_EXP);
  }

  @Test
  void expm1MatchesMathExpm1ForNonPositiveArguments() {
    check("expm1", forward(Activation.ELU), Math::expm1, REL_EXPM1, ABS, x -> x <= 0);
  }

  @Test
  void sigmoidMatchesTheDefinition() {
    check("sigmoid", forward(Activation.SIGMOID), activation(Activation.SIGMOID), REL_EXPM1);
  }

  @Test
  void tanhMatchesMathTanh() {
    check("tanh", forward(Activation.TANH), Math::tanh, REL_TANH);
  }

  @Test
  void softplusMatchesTheDefinition() {
    check("softplus", forward(Activation.SOFTPLUS), activation(Activation.SOFTPLUS), REL_TANH);
  }

  @Test
  void geluErfMatchesTheDefinition() {
    check("geluErf", forward(Activation.GELU_ERF), activation(Activation.GELU_ERF), REL_GELU);
    check("geluErf'", backward(Activation.GELU_ERF), derivative(Activation.GELU_ERF), REL_GELU,
        ABS_DERIVATIVE);
  }

  @Test
  void geluTanhMatchesTheDefinition() {
    DoubleUnaryOperator rel =
        x -> REL_GELU + REL_PER_EXPONENT * Math.min(Math.abs(tanhArgument(x)), 200);
    check("geluTanh", forward(Activation.GELU_TANH), activation(Activation.GELU_TANH), rel, ABS,
        x -> true);
    check("geluTanh'", backward(Activation.GELU_TANH), derivative(Activation.GELU_TANH), rel,
        ABS_DERIVATIVE, x -> true);
  }

  /** The exponent 2u = 2k (x + c x^3) inside GELU-tanh. */
  private static double tanhArgument(double x) {
    return 2 * Activation.GELU_TANH_SCALE * (x + Activation.GELU_TANH_CUBIC * x * x * x);
  }

  /**
   * Around the bottom of exp's range no result of exp, sigmoid, softplus or ELU is subnormal: a
   * subnormal costs an x86 core a microcode assist per vector, and the exponential once made them
   * for x between -87.69 and -87.34 (sigmoid ran 15 times slower there, softplus 40 times).
   * (GELU-erf is left out: near x = -13.2 its exact value is itself subnormal.)
   */
  @Test
  void noResultIsSubnormalNearTheBottomOfExpsRange() {
    float[] xs = new float[256 * SimdSpecies.LANES];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = -88.5f + 2f * i / xs.length;
    }
    assertNoSubnormal("exp", xs, exp(xs));
    Activation[] functions = {Activation.SIGMOID, Activation.SOFTPLUS, Activation.ELU};
    for (Activation f : functions) {
      assertNoSubnormal(f.toString(), xs, forward(f).apply(xs));
    }
  }

  @Test
  void nanPropagatesThroughEveryFunction() {
    float[] nans = new float[SimdSpecies.LANES];
    Arrays.fill(nans, Float.NaN);
    assertTrue(Float.isNaN(exp(nans)[0]), "exp(NaN)");
    for (Activation f : new Activation[] {Activation.ELU, Activation.SIGMOID, Activation.TANH,
        Activation.SOFTPLUS, Activation.GELU_ERF, Activation.GELU_TANH}) {
      assertTrue(Float.isNaN(forward(f).apply(nans)[0]), f + "(NaN)");
      assertTrue(Float.isNaN(backward(f).apply(nans)[0]), f + "'(NaN)");
    }
  }

  @Test
  void infinitiesGiveTheLimits() {
    float inf = Float.POSITIVE_INFINITY;
    float[] both = lanes(inf, -inf);
    assertArrayEquals(new float[] {1f, 0f}, exp(both), "exp");
    assertArrayEquals(new float[] {1f, 0f}, forward(Activation.SIGMOID).apply(both), "sigmoid");
    assertArrayEquals(new float[] {1f, -1f}, forward(Activation.TANH).apply(both), "tanh");
    assertArrayEquals(new float[] {inf, 0f}, forward(Activation.SOFTPLUS).apply(both), "softplus");
    assertArrayEquals(new float[] {inf, 0f}, forward(Activation.GELU_ERF).apply(both), "geluErf");
    assertArrayEquals(new float[] {inf, 0f}, forward(Activation.GELU_TANH).apply(both),
        "geluTanh");
    assertArrayEquals(new float[] {1f, 0f}, backward(Activation.GELU_ERF).apply(both), "geluErf'");
    assertArrayEquals(new float[] {1f, 0f}, backward(Activation.GELU_TANH).apply(both),
        "geluTanh'");
    assertEquals(-1f, forward(Activation.ELU).apply(lanes(-inf))[0], "expm1(-inf)");
  }

  /** Values repeated to fill whole vectors, so they go through the vector code, not the tail. */
  private static float[] lanes(float... values) {
    float[] out = new float[SimdSpecies.LANES];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i % values.length];
    }
    return out;
  }

  private static void assertArrayEquals(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-30f, what + " at lane " + i);
    }
  }

  private static DoubleUnaryOperator activation(Activation f) {
    return x -> f.applyAsDouble(x, f == Activation.ELU ? 1 : 0);
  }

  private static DoubleUnaryOperator derivative(Activation f) {
    return x -> f.derivativeAsDouble(x, 0);
  }

  /** The SIMD forward kernel of f (alpha 1) over whole vectors of samples. */
  private static UnaryOperator<float[]> forward(Activation f) {
    return xs -> {
      Tensor y = Tensor.wrap(new float[xs.length], xs.length);
      KERNELS.forward(f, 1f, Tensor.wrap(xs.clone(), xs.length), y);
      return y.toFloatArray();
    };
  }

  /** f'(x) from the SIMD backward kernel with dy = 1. */
  private static UnaryOperator<float[]> backward(Activation f) {
    return xs -> {
      Tensor x = Tensor.wrap(xs.clone(), xs.length);
      Tensor y = Tensor.wrap(forward(f).apply(xs), xs.length);
      float[] ones = new float[xs.length];
      Arrays.fill(ones, 1f);
      Tensor dx = Tensor.wrap(new float[xs.length], xs.length);
      KERNELS.backward(f, 1f, x, y, Tensor.wrap(ones, xs.length), dx);
      return dx.toFloatArray();
    };
  }

  /** The exp pass (of x, clamped to x <= 0) over whole vectors. */
  private static float[] exp(float[] xs) {
    float[] e = new float[xs.length];
    MemorySegment x = MemorySegment.ofArray(xs);
    for (int i = 0; i < xs.length; i += ActivationForwardLoops.BLOCK) {
      int n = Math.min(ActivationForwardLoops.BLOCK, xs.length - i);
      float[] block = new float[n];
      ActivationPasses.expOfX(x, 0, i, block, n);
      System.arraycopy(block, 0, e, i, n);
    }
    return e;
  }

  private static void check(String name, UnaryOperator<float[]> f, DoubleUnaryOperator exact,
      double rel) {
    check(name, f, exact, rel, ABS);
  }

  private static void check(String name, UnaryOperator<float[]> f, DoubleUnaryOperator exact,
      double rel, double abs) {
    check(name, f, exact, x -> rel, abs, x -> true);
  }

  private static void check(String name, UnaryOperator<float[]> f, DoubleUnaryOperator exact,
      double rel, double abs, DoublePredicate domain) {
    check(name, f, exact, x -> rel, abs, domain);
  }

  private static void check(String name, UnaryOperator<float[]> f, DoubleUnaryOperator exact,
      DoubleUnaryOperator relative, double abs, DoublePredicate domain) {
    float[] xs = samples();
    float[] got = f.apply(xs);
    for (int i = 0; i < xs.length; i++) {
      if (!domain.test(xs[i])) {
        continue;
      }
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
    int dense = 200_001;
    int magnitudes = 2 * 2 * 1000;
    int count = dense + magnitudes + SPECIAL.length;
    float[] xs = new float[(count + SimdSpecies.LANES - 1) / SimdSpecies.LANES * SimdSpecies.LANES];
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
}
