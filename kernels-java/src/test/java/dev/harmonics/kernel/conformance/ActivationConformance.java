package dev.harmonics.kernel.conformance;

import static dev.harmonics.kernel.conformance.PointwiseFixtures.awayFromZero;
import static dev.harmonics.kernel.conformance.PointwiseFixtures.ofIn;
import static dev.harmonics.kernel.conformance.PointwiseFixtures.uniformIn;
import static dev.harmonics.kernel.conformance.PointwiseFixtures.zerosIn;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.ActivationKernels;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.lang.foreign.Arena;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Activation kernels of {@link #candidate()} against the reference: every function over awkward
 * lengths and random n-d shapes, forward and backward, in place, special values, PReLU over the
 * layouts it supports, gradients against float64 finite differences, and argument validation.
 */
public abstract class ActivationConformance extends KernelConformanceTest {

  /**
   * Transcendental functions: the SIMD approximations are within 4e-7 relative of the exact value
   * (SimdActivationMathTest), the reference within half an ulp; 1e-6 leaves room for both.
   */
  private static final double REL_TRANSCENDENTAL = 1e-6;
  /**
   * GELU-tanh is e^(2u) in its negative tail, and float rounding of the cubic 2u costs 3e-7 |2u|
   * relative: up to 8e-6 for the |x| <= 6 used here (beyond, values are below 1e-9).
   */
  private static final double REL_GELU_TANH = 1e-5;
  /** Absolute slack for values far in a tail (GELU-tanh below x = -6 reaches 1e-20 and less). */
  private static final double ABS_TAIL = 1e-12;
  /** Softsign: a float addition and division, one rounding each, against one in the reference. */
  private static final double REL_SOFTSIGN = 2.4e-7;
  /**
   * Backward: derivatives taken from y (sigmoid y(1-y), tanh 1-y^2, ELU/SELU y + alpha) are off by
   * up to an ulp of 1 or of alpha (at most 1.76 here) absolutely, times |dy| <= 1.
   */
  private static final double ABS_BACKWARD = 3e-7;
  /** PReLU's slope gradient is a sum: float blocks folded in double, relative to sum |x dy|. */
  private static final double REL_SLOPE_SUM = 1e-5;
  /** Finite differences with h = 1e-3 on float32 outputs: rounding noise about 2.4e-4 of |f|. */
  private static final double GRADIENT_ABS = 1e-3;
  private static final double GRADIENT_REL = 1e-3;

  private static float alpha(Activation f) {
    return switch (f) {
      case LEAKY_RELU -> 0.1f;
      case ELU -> 0.7f;
      default -> f.defaultAlpha();
    };
  }

  private static double forwardRel(Activation f) {
    return switch (f) {
      case IDENTITY, RELU, LEAKY_RELU, PRELU -> 0;
      case SOFTSIGN -> REL_SOFTSIGN;
      case GELU_TANH -> REL_GELU_TANH;
      default -> REL_TRANSCENDENTAL;
    };
  }

  private static double backwardRel(Activation f) {
    return f == Activation.GELU_TANH ? REL_GELU_TANH : REL_TRANSCENDENTAL;
  }

  private ActivationKernels kernels() {
    return candidate().activations();
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void forwardAndBackwardMatchTheReference(Activation f) {
    RandomTensors random = new RandomTensors(SEED + f.ordinal());
    float alpha = alpha(f);
    try (Arena arena = Arena.ofConfined()) {
      for (int[] shape : PointwiseFixtures.shapes(random, 20)) {
        Tensor x = uniformIn(arena, random, -6f, 6f, shape);
        Tensor dy = uniformIn(arena, random, -1f, 1f, shape);
        Tensor expectedY = zerosIn(arena, shape);
        Tensor expectedDx = zerosIn(arena, shape);
        reference().activations().forward(f, alpha, x, expectedY);
        reference().activations().backward(f, alpha, x, expectedY, dy, expectedDx);
        Tensor y = zerosIn(arena, shape);
        Tensor dx = zerosIn(arena, shape);
        kernels().forward(f, alpha, x, y);
        kernels().backward(f, alpha, x, y, dy, dx);
        String what = f + " " + Arrays.toString(shape);
        TensorAssertions.assertClose(expectedY, y, ABS_TAIL, forwardRel(f), what + " forward");
        TensorAssertions.assertClose(
            expectedDx, dx, ABS_BACKWARD, backwardRel(f), what + " backward");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void inPlaceGivesTheSameResults(Activation f) {
    RandomTensors random = new RandomTensors(SEED);
    float alpha = alpha(f);
    int[] shape = {3, 37};
    try (Arena arena = Arena.ofConfined()) {
      Tensor x = uniformIn(arena, random, -4f, 4f, shape);
      Tensor dy = uniformIn(arena, random, -1f, 1f, shape);
      Tensor y = zerosIn(arena, shape);
      Tensor dx = zerosIn(arena, shape);
      kernels().forward(f, alpha, x, y);
      kernels().backward(f, alpha, x, y, dy, dx);

      Tensor inPlace = ofIn(arena, x.toFloatArray(), shape);
      kernels().forward(f, alpha, inPlace, inPlace);
      TensorAssertions.assertClose(y, inPlace, 0, 0, f + " forward with y == x");
      kernels().backward(f, alpha, x, y, dy, dy);
      TensorAssertions.assertClose(dx, dy, 0, 0, f + " backward with dx == dy");
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void specialValuesPropagate(Activation f) {
    float inf = Float.POSITIVE_INFINITY;
    float[] specials = {Float.NaN, inf, -inf, 0f, -0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 20f, -20f,
        88.8f, -88.8f, 100f, -100f, 1e30f, -1e30f, 3e38f, -3e38f};
    float[] values = new float[2 * specials.length + 3];
    for (int i = 0; i < values.length; i++) {
      values[i] = specials[i % specials.length];
    }
    float alpha = alpha(f);
    try (Arena arena = Arena.ofConfined()) {
      Tensor x = ofIn(arena, values, values.length);
      Tensor dy = zerosIn(arena, values.length).fill(0.5f);
      Tensor expectedY = zerosIn(arena, values.length);
      Tensor expectedDx = zerosIn(arena, values.length);
      reference().activations().forward(f, alpha, x, expectedY);
      reference().activations().backward(f, alpha, x, expectedY, dy, expectedDx);
      Tensor y = zerosIn(arena, values.length);
      Tensor dx = zerosIn(arena, values.length);
      kernels().forward(f, alpha, x, y);
      kernels().backward(f, alpha, x, y, dy, dx);
      TensorAssertions.assertClose(expectedY, y, ABS_TAIL, forwardRel(f), f + " forward");
      TensorAssertions.assertClose(expectedDx, dx, ABS_BACKWARD, backwardRel(f), f + " backward");
      assertTrue(Float.isNaN(y.getFlat(0)) && Float.isNaN(dx.getFlat(0)),
          f + " of NaN and its gradient must be NaN");
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void gradientMatchesFiniteDifferences(Activation f) {
    RandomTensors random = new RandomTensors(SEED + 7);
    float alpha = alpha(f);
    int[] shape = {2, 3, 5};
    try (Arena arena = Arena.ofConfined()) {
      Tensor x = awayFromZero(arena, random, 0.05f, 3f, shape);
      Tensor w = uniformIn(arena, random, -1f, 1f, shape);
      Tensor y = zerosIn(arena, shape);
      double[] numerical = GradientCheck.numericalGradient(x, t -> {
        kernels().forward(f, alpha, t, y);
        return GradientCheck.dot(y, w);
      }, 1e-3);
      Tensor dx = zerosIn(arena, shape);
      kernels().forward(f, alpha, x, y);
      kernels().backward(f, alpha, x, y, w, dx);
      GradientCheck.assertGradient(numerical, dx, GRADIENT_ABS, GRADIENT_REL, f + " dx");
    }
  }

  /** [N, C], NCHW, rank 3, a shared slope, rank 1 and awkward channel and plane sizes. */
  private static final int[][] PRELU_SHAPES = {{5, 7}, {2, 3, 4, 5}, {3, 17, 9}, {4, 33},
      {2, 1, 3}, {100_003}, {1}, {2, 70, 31}, {1, 5, 8, 8}, {300, 5}, {2, 3, 25_000}};

  @Test
  void preluMatchesTheReference() {
    RandomTensors random = new RandomTensors(SEED + 3);
    try (Arena arena = Arena.ofConfined()) {
      for (int[] shape : PRELU_SHAPES) {
        boolean[] sharing = shape.length >= 2 ? new boolean[] {false, true} : new boolean[] {true};
        for (boolean shared : sharing) {
          int channels = shape.length >= 2 && !shared ? shape[1] : 1;
          Tensor x = uniformIn(arena, random, -3f, 3f, shape);
          Tensor slope = uniformIn(arena, random, -0.5f, 0.5f, channels);
          Tensor dy = uniformIn(arena, random, -1f, 1f, shape);
          String what = "prelu " + Arrays.toString(shape) + " slopes " + channels;

          Tensor expectedY = zerosIn(arena, shape);
          Tensor expectedDx = zerosIn(arena, shape);
          Tensor expectedDslope = zerosIn(arena, channels);
          reference().activations().preluForward(x, slope, expectedY);
          reference().activations().preluBackward(x, slope, dy, expectedDx, expectedDslope);
          Tensor y = zerosIn(arena, shape);
          Tensor dx = zerosIn(arena, shape);
          Tensor dslope = zerosIn(arena, channels);
          kernels().preluForward(x, slope, y);
          kernels().preluBackward(x, slope, dy, dx, dslope);

          TensorAssertions.assertClose(expectedY, y, 0, 0, what + " forward");
          TensorAssertions.assertClose(expectedDx, dx, 0, 0, what + " dx");
          assertSlopeSums(x, dy, channels, expectedDslope, dslope, what);

          Tensor onlySlope = zerosIn(arena, channels);
          kernels().preluBackward(x, slope, dy, null, onlySlope);
          assertSlopeSums(x, dy, channels, expectedDslope, onlySlope, what + " without dx");
          Tensor onlyDx = zerosIn(arena, shape);
          kernels().preluBackward(x, slope, dy, onlyDx, null);
          TensorAssertions.assertClose(dx, onlyDx, 0, 0, what + " dx without dslope");
        }
      }
    }
  }

  /** Tolerance for each channel's sum: relative to the sum of the magnitudes of its terms. */
  private static void assertSlopeSums(Tensor x, Tensor dy, int channels, Tensor expected,
      Tensor actual, String what) {
    int[] shape = x.shape();
    int inner = channels == 1 ? x.size() : x.size() / (shape[0] * channels);
    double[] magnitude = new double[channels];
    float[] xs = x.toFloatArray();
    float[] gs = dy.toFloatArray();
    for (int i = 0; i < xs.length; i++) {
      if (!(xs[i] > 0)) {
        magnitude[channels == 1 ? 0 : (i / inner) % channels] += Math.abs(xs[i] * gs[i]);
      }
    }
    for (int c = 0; c < channels; c++) {
      double tolerance = REL_SLOPE_SUM * magnitude[c] + 1e-6;
      double error = Math.abs(expected.getFlat(c) - actual.getFlat(c));
      assertTrue(error <= tolerance, what + " dslope[" + c + "] is " + actual.getFlat(c)
          + " (expected " + expected.getFlat(c) + ", tolerance " + tolerance + ")");
    }
  }

  @Test
  void preluGradientsMatchFiniteDifferences() {
    RandomTensors random = new RandomTensors(SEED + 11);
    for (int[] shape : new int[][] {{3, 4}, {2, 3, 2, 2}}) {
      try (Arena arena = Arena.ofConfined()) {
        Tensor x = awayFromZero(arena, random, 0.05f, 2f, shape);
        Tensor slope = uniformIn(arena, random, 0.1f, 0.4f, shape[1]);
        Tensor w = uniformIn(arena, random, -1f, 1f, shape);
        Tensor y = zerosIn(arena, shape);
        double[] byX = GradientCheck.numericalGradient(x, t -> {
          kernels().preluForward(t, slope, y);
          return GradientCheck.dot(y, w);
        }, 1e-3);
        double[] bySlope = GradientCheck.numericalGradient(slope, s -> {
          kernels().preluForward(x, s, y);
          return GradientCheck.dot(y, w);
        }, 1e-3);
        Tensor dx = zerosIn(arena, shape);
        Tensor dslope = zerosIn(arena, shape[1]);
        kernels().preluBackward(x, slope, w, dx, dslope);
        String what = "prelu " + Arrays.toString(shape);
        GradientCheck.assertGradient(byX, dx, GRADIENT_ABS, GRADIENT_REL, what + " dx");
        GradientCheck.assertGradient(bySlope, dslope, GRADIENT_ABS, GRADIENT_REL, what + " dslope");
      }
    }
  }

  @Test
  void heapTensorsWorkLikeOffHeapOnes() {
    RandomTensors random = new RandomTensors(SEED + 5);
    float[] values = random.uniformArray(1001, -5f, 5f);
    try (Arena arena = Arena.ofConfined()) {
      Tensor offHeap = ofIn(arena, values, 7, 143);
      Tensor expected = zerosIn(arena, 7, 143);
      kernels().forward(Activation.GELU_ERF, 0f, offHeap, expected);
      Tensor heapY = Tensor.wrap(new float[1001], 7, 143);
      kernels().forward(Activation.GELU_ERF, 0f, Tensor.wrap(values.clone(), 7, 143), heapY);
      TensorAssertions.assertClose(expected, heapY, 0, 0, "heap vs off-heap");
    }
  }

  @Test
  void rejectsInvalidArguments() {
    try (Arena arena = Arena.ofConfined()) {
      Tensor x = zerosIn(arena, 3, 4);
      Tensor y = zerosIn(arena, 3, 4);
      assertMessage(() -> kernels().forward(Activation.RELU, 0f, x, zerosIn(arena, 4, 3)),
          "y: float32[4, 3] (expected: [3, 4] to match x: float32[3, 4])");
      assertMessage(() -> kernels().forward(Activation.RELU, 0f, Tensor.allocate(arena,
          DType.INT32, 3, 4), y), "x: int32[3, 4] (expected: float32)");
      assertMessage(() -> kernels().forward(Activation.RELU, 0f, x.transpose(0, 1),
          zerosIn(arena, 4, 3)), "call contiguous() first");
      assertMessage(() -> kernels().forward(Activation.ELU, Float.NaN, x, y),
          "alpha: NaN (expected: a finite number for ELU)");
      Tensor line = zerosIn(arena, 10);
      assertMessage(() -> kernels().forward(Activation.TANH, 0f, line.slice(0, 0, 6),
          line.slice(0, 2, 8)), "partly overlaps x");
      assertMessage(() -> kernels().backward(Activation.TANH, 0f, x, y, y, zerosIn(arena, 12)),
          "dx: float32[12] (expected: [3, 4] to match x: float32[3, 4])");
      assertMessage(() -> kernels().preluForward(x, zerosIn(arena, 3), y),
          "slope: float32[3] (expected: [4] or [1] for x: float32[3, 4], channels on axis 1)");
      assertMessage(() -> kernels().preluBackward(x, zerosIn(arena, 4), y, y, zerosIn(arena, 2, 2)),
          "dslope: float32[2, 2] (expected: [4] to match slope: float32[4])");
    }
  }

  private static void assertMessage(Runnable call, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected),
        "message \"" + e.getMessage() + "\" should contain \"" + expected + "\"");
  }
}
