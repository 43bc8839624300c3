package dev.harmonics.kernel.conformance;

import static dev.harmonics.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizer family's suite: the candidate against the reference over several consecutive
 * steps, NaN and infinity, thread-count independence, hand-computed steps, convergence on a
 * quadratic, and argument validation.
 */
public abstract class OptimizerConformance extends KernelConformanceTest {

  /** Consecutive updates compared, so state carried between steps is checked too. */
  private static final int STEPS = 5;

  /**
   * Candidate vs reference after each step. The SIMD backend rounds each float32 operation (a few
   * per element) where the reference rounds once from float64: a few ulps. The absolute part is a
   * few ulps of 3, not of 1, because RMSProp's buffer adds terms up to {@code 1 / sqrt(1 - alpha)}
   * that can cancel (measured worst: 6e-7 absolute; elsewhere below 2e-7).
   */
  private static final double STEP_ABS = 2e-6;
  private static final double STEP_REL = 2e-6;

  /** Hand-computed expectations are exact in float64; the kernels store float32. */
  private static final double HAND_ABS = 1e-6;
  private static final double HAND_REL = 1e-6;

  static List<OptimizerVariant> variants() {
    return OptimizerVariant.all();
  }

  private OptimizerKernels kernels() {
    return candidate().optimizers();
  }

  private Tensor tensor(float... values) {
    return of(values, values.length);
  }

  private Tensor[] zeroStates(int n) {
    Tensor[] s = new Tensor[OptimizerVariant.STATES];
    for (int i = 0; i < s.length; i++) {
      s[i] = zeros(n);
    }
    return s;
  }

  // ---------------------------------------------------------------- candidate vs reference

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void matchesTheReferenceOverSeveralSteps(OptimizerVariant variant) {
    assumeNotReference("the reference is the oracle");
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      RandomTensors random = new RandomTensors(SEED + n);
      Tensor expectedParam = track(random.uniform(n));
      Tensor actualParam = zeros(n);
      expectedParam.copyTo(actualParam);
      Tensor[] expectedState = zeroStates(n);
      Tensor[] actualState = zeroStates(n);
      for (int step = 1; step <= STEPS; step++) {
        Tensor grad = track(random.uniform(n));
        variant.update().apply(reference().optimizers(), step, expectedParam, grad, expectedState);
        variant.update().apply(kernels(), step, actualParam, grad, actualState);
        String where = variant + ", n = " + n + ", step " + step;
        assertClose(expectedParam, actualParam, STEP_ABS, STEP_REL, where + ": param");
        for (int s = 0; s < expectedState.length; s++) {
          assertClose(expectedState[s], actualState[s], STEP_ABS, STEP_REL,
              where + ": state " + s);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void nanAndInfinityInTheGradientPropagateAsInTheReference(OptimizerVariant variant) {
    int n = 37;
    int nan = 3;
    int tailNan = n - 1;
    int plain = 10;
    for (int step = 1; step <= 2; step++) {
      RandomTensors random = new RandomTensors(SEED);
      Tensor expectedParam = track(random.uniform(n));
      Tensor actualParam = zeros(n);
      expectedParam.copyTo(actualParam);
      Tensor[] expectedState = zeroStates(n);
      Tensor[] actualState = zeroStates(n);
      Tensor grad = track(random.uniform(n));
      if (step == 2) {
        variant.update().apply(reference().optimizers(), 1, expectedParam, grad, expectedState);
        variant.update().apply(kernels(), 1, actualParam, grad, actualState);
      }
      grad.setFlat(nan, Float.NaN);
      grad.setFlat(tailNan, Float.NaN);
      grad.setFlat(20, Float.POSITIVE_INFINITY);
      grad.setFlat(21, Float.NEGATIVE_INFINITY);
      variant.update().apply(reference().optimizers(), step, expectedParam, grad, expectedState);
      variant.update().apply(kernels(), step, actualParam, grad, actualState);

      String where = variant + " at step " + step;
      assertTrue(Float.isNaN(actualParam.getFlat(nan)), where + ": NaN gradient, param "
          + actualParam.getFlat(nan));
      assertTrue(Float.isNaN(actualParam.getFlat(tailNan)), where + ": NaN gradient in the tail");
      assertFalse(Float.isFinite(actualParam.getFlat(20)), where + ": infinite gradient");
      assertEquals(variant.mixesElements(), Float.isNaN(actualParam.getFlat(plain)),
          where + ": an element with a finite gradient");
      assertClose(expectedParam, actualParam, STEP_ABS, STEP_REL, where + ": param");
      for (int s = 0; s < expectedState.length; s++) {
        assertClose(expectedState[s], actualState[s], STEP_ABS, STEP_REL, where + ": state " + s);
      }
    }
  }

  // ---------------------------------------------------------------- reproducibility

  /** The variants whose flags touch the most code: LAMB's reductions, every optional state. */
  static List<OptimizerVariant> busiestVariants() {
    return variants().stream()
        .filter(v -> List.of("sgd nesterov weight decay", "adamw amsgrad",
            "rmsprop centered momentum weight decay", "lamb").contains(v.name()))
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("busiestVariants")
  void resultsDoNotDependOnTheThreadCount(OptimizerVariant variant) {
    assumeNotReference("the reference runs on the calling thread only");
    // 13 blocks: enough for three threads to get a share each.
    int n = 13 * 16_384 - 5;
    RandomTensors random = new RandomTensors(SEED);
    float[] initial = random.uniformArray(n, -1f, 1f);
    Tensor[] grads = {track(random.uniform(n)), track(random.uniform(n))};
    Tensor param = zeros(n);
    Tensor[] state = zeroStates(n);
    float[][] first = null;
    int original = KernelPool.shared().parallelism();
    try {
      for (int threads : new int[] {1, 2, 3}) {
        KernelPool.setParallelism(threads);
        param.copyFrom(initial);
        for (Tensor s : state) {
          s.fill(0f);
        }
        for (int step = 1; step <= grads.length; step++) {
          variant.update().apply(kernels(), step, param, grads[step - 1], state);
        }
        float[][] result = {param.toFloatArray(), state[0].toFloatArray(),
            state[1].toFloatArray(), state[2].toFloatArray()};
        if (first == null) {
          first = result;
        } else {
          for (int i = 0; i < result.length; i++) {
            assertArrayEquals(first[i], result[i], variant + ": tensor " + i + " with " + threads
                + " threads differs from 1 thread");
          }
        }
      }
    } finally {
      KernelPool.setParallelism(original);
    }
  }

  @Test
  void l2NormDoesNotDependOnTheThreadCount() {
    assumeNotReference("the reference runs on the calling thread only");
    // 19 blocks: four threads get a share each.
    Tensor big = track(new RandomTensors(SEED).uniform(19 * 16_384 - 3));
    Tensor small = track(new RandomTensors(SEED + 1).uniform(77));
    int original = KernelPool.shared().parallelism();
    try {
      KernelPool.setParallelism(1);
      double one = kernels().l2Norm(big, small);
      for (int threads : new int[] {2, 3, 4}) {
        KernelPool.setParallelism(threads);
        assertEquals(Double.doubleToRawLongBits(one),
            Double.doubleToRawLongBits(kernels().l2Norm(big, small)), threads + " threads");
      }
    } finally {
      KernelPool.setParallelism(original);
    }
  }

  @Test
  void l2NormMatchesTheReference() {
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      Tensor x = track(new RandomTensors(SEED + n).uniform(-3f, 3f, n));
      double expected = reference().optimizers().l2Norm(x);
      // Both sum float64 squares of float32 inputs; only the order of additions differs.
      assertEquals(expected, kernels().l2Norm(x), 1e-12 * expected, "n = " + n);
    }
  }

  @Test
  void scaleInPlaceMatchesTheReference() {
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      Tensor expected = track(new RandomTensors(SEED + n).uniform(n));
      Tensor actual = zeros(n);
      expected.copyTo(actual);
      reference().optimizers().scaleInPlace(expected, 0.37f);
      kernels().scaleInPlace(actual, 0.37f);
      // One float32 multiply on both sides: identical.
      assertClose(expected, actual, 0, 0, "n = " + n);
    }
  }

  // ---------------------------------------------------------------- hand-computed steps

  @Test
  void sgdWithMomentumAndDampeningStartsTheBufferAtTheGradient() {
    Tensor p = tensor(1f);
    Tensor buf = tensor(123f);
    SgdConfig c = new SgdConfig(0.1, 0.9, 0.5, 0, false);
    kernels().sgd(c, 1, p, tensor(1f), buf);
    // Step 1: buf = g = 1 (no dampening yet, old contents ignored); p = 1 - 0.1 * 1.
    assertClose(new float[] {1f}, buf.toFloatArray(), HAND_ABS, HAND_REL, "buf after step 1");
    assertClose(new float[] {0.9f}, p.toFloatArray(), HAND_ABS, HAND_REL, "p after step 1");
    kernels().sgd(c, 2, p, tensor(2f), buf);
    // Step 2: buf = 0.9 * 1 + (1 - 0.5) * 2 = 1.9; p = 0.9 - 0.1 * 1.9 = 0.71.
    assertClose(new float[] {1.9f}, buf.toFloatArray(), HAND_ABS, HAND_REL, "buf after step 2");
    assertClose(new float[] {0.71f}, p.toFloatArray(), HAND_ABS, HAND_REL, "p after step 2");
  }

  @Test
  void sgdWithNesterovMomentumLooksAhead() {
    Tensor p = tensor(1f, -1f);
    Tensor buf = tensor(0f, 0f);
    SgdConfig c = SgdConfig.ofNesterov(0.1, 0.9);
    kernels().sgd(c, 1, p, tensor(1f, -0.5f), buf);
    // Step 1: buf = g; direction = g + 0.9 * buf = 1.9 g; p = p - 0.19 g.
    assertClose(new float[] {0.81f, -0.905f}, p.toFloatArray(), HAND_ABS, HAND_REL, "step 1");
    kernels().sgd(c, 2, p, tensor(2f, 0f), buf);
    // Step 2: buf = 0.9 * [1, -0.5] + [2, 0] = [2.9, -0.45]; direction = g + 0.9 * buf
    // = [4.61, -0.405]; p = [0.81 - 0.461, -0.905 + 0.0405].
    assertClose(new float[] {2.9f, -0.45f}, buf.toFloatArray(), HAND_ABS, HAND_REL, "buf");
    assertClose(new float[] {0.349f, -0.8645f}, p.toFloatArray(), HAND_ABS, HAND_REL, "step 2");
  }

  @Test
  void sgdWeightDecayIsAddedToTheGradient() {
    Tensor p = tensor(1f, -2f);
    kernels().sgd(SgdConfig.of(0.1).withWeightDecay(0.1), 1, p, tensor(0.5f, 0f), null);
    // g' = g + 0.1 p = [0.6, -0.2]; p = p - 0.1 g' = [0.94, -1.98].
    assertClose(new float[] {0.94f, -1.98f}, p.toFloatArray(), HAND_ABS, HAND_REL, "p");
  }

  @Test
  void twoAdamStepsWithBiasCorrection() {
    double lr = 0.1;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double[] p = {1, -2, 0.25};
    double[] g1 = {0.5, 0.1, -3};
    double[] g2 = {-0.3, 0.2, -1};
    double[] m = new double[3];
    double[] v = new double[3];
    Tensor param = tensor(toFloats(p));
    Tensor mt = tensor(0f, 0f, 0f);
    Tensor vt = tensor(0f, 0f, 0f);
    AdamConfig c = AdamConfig.adam(lr);
    double[][] grads = {g1, g2};
    for (int t = 1; t <= 2; t++) {
      double[] g = grads[t - 1];
      for (int i = 0; i < 3; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        double mHat = m[i] / (1 - Math.pow(b1, t));
        double vHat = v[i] / (1 - Math.pow(b2, t));
        p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
      }
      kernels().adam(c, t, param, tensor(toFloats(g)), mt, vt);
      assertClose(toFloats(m), mt.toFloatArray(), HAND_ABS, HAND_REL, "m at step " + t);
      assertClose(toFloats(v), vt.toFloatArray(), HAND_ABS, HAND_REL, "v at step " + t);
      assertClose(toFloats(p), param.toFloatArray(), HAND_ABS, HAND_REL, "p at step " + t);
    }
  }

  @Test
  void adamwDecaysTheWeightsWhileAdamAddsTheDecayToTheGradient() {
    // One step: m_hat = g', v_hat = g'^2, so the update is lr * g' / (|g'| + eps) ~ lr * sign(g').
    Tensor coupled = tensor(1f);
    kernels().adam(AdamConfig.adam(0.1).withWeightDecay(0.1), 1, coupled, tensor(0.5f),
        tensor(0f), tensor(0f));
    // g' = 0.5 + 0.1 * 1 = 0.6 > 0, so p = 1 - 0.1.
    assertClose(new float[] {0.9f}, coupled.toFloatArray(), HAND_ABS, HAND_REL, "adam + L2");
    Tensor decoupled = tensor(1f);
    kernels().adam(AdamConfig.adamW(0.1, 0.1), 1, decoupled, tensor(0.5f), tensor(0f),
        tensor(0f));
    // p = 1 * (1 - 0.1 * 0.1) - 0.1 * 0.5 / 0.5 = 0.89.
    assertClose(new float[] {0.89f}, decoupled.toFloatArray(), HAND_ABS, HAND_REL, "adamw");
  }

  @Test
  void amsgradKeepsTheLargestSecondMoment() {
    double lr = 0.1;
    Tensor p = tensor(0f);
    Tensor m = tensor(0f);
    Tensor v = tensor(0f);
    Tensor vMax = tensor(0f);
    AdamConfig c = AdamConfig.adam(lr).withAmsgrad(true);
    kernels().adam(c, 1, p, tensor(1f), m, v, vMax);
    kernels().adam(c, 2, p, tensor(0f), m, v, vMax);
    // Step 1: m = 0.1, v = vMax = 0.001, p = -lr * 1 / (1 + eps).
    // Step 2: m = 0.09, v = 0.000999, vMax stays 0.001;
    //         p -= lr / (1 - 0.81) * 0.09 / (sqrt(0.001) / sqrt(1 - 0.998001) + eps).
    double p1 = -lr / (1 + 1e-8);
    double p2 = p1 - lr / 0.19 * 0.09 / (Math.sqrt(0.001) / Math.sqrt(1 - 0.998001) + 1e-8);
    assertClose(new float[] {0.000999f}, v.toFloatArray(), HAND_ABS, HAND_REL, "v");
    assertClose(new float[] {0.001f}, vMax.toFloatArray(), HAND_ABS, HAND_REL, "vMax");
    assertClose(new float[] {(float) p2}, p.toFloatArray(), HAND_ABS, HAND_REL, "p");
  }

  @Test
  void twoCenteredRmsPropStepsWithMomentum() {
    double lr = 0.01;
    double alpha = 0.9;
    double eps = 1e-8;
    double mu = 0.5;
    double[] p = {1, -1};
    double[][] grads = {{0.5, -2}, {1, 1}};
    double[] s = new double[2];
    double[] a = new double[2];
    double[] b = new double[2];
    Tensor param = tensor(toFloats(p));
    Tensor st = tensor(0f, 0f);
    Tensor bt = tensor(0f, 0f);
    Tensor at = tensor(0f, 0f);
    RmsPropConfig c = new RmsPropConfig(lr, alpha, eps, mu, true, 0);
    for (int t = 0; t < 2; t++) {
      double[] g = grads[t];
      for (int i = 0; i < 2; i++) {
        s[i] = alpha * s[i] + (1 - alpha) * g[i] * g[i];
        a[i] = alpha * a[i] + (1 - alpha) * g[i];
        b[i] = mu * b[i] + g[i] / (Math.sqrt(s[i] - a[i] * a[i]) + eps);
        p[i] -= lr * b[i];
      }
      kernels().rmsprop(c, param, tensor(toFloats(g)), st, bt, at);
      assertClose(toFloats(s), st.toFloatArray(), HAND_ABS, HAND_REL, "squareAvg at " + t);
      assertClose(toFloats(a), at.toFloatArray(), HAND_ABS, HAND_REL, "gradAvg at " + t);
      assertClose(toFloats(b), bt.toFloatArray(), HAND_ABS, HAND_REL, "buffer at " + t);
      assertClose(toFloats(p), param.toFloatArray(), HAND_ABS, HAND_REL, "p at " + t);
    }
  }

  @Test
  void rmsPropWithoutMomentumDividesByTheRootMeanSquare() {
    Tensor p = tensor(1f);
    Tensor s = tensor(0f);
    kernels().rmsprop(RmsPropConfig.of(0.01), p, tensor(2f), s, null, null);
    // s = 0.1 * 4 = 0.4; p = 1 - 0.01 * 2 / (sqrt(0.4) + 1e-8).
    assertClose(new float[] {0.4f}, s.toFloatArray(), HAND_ABS, HAND_REL, "squareAvg");
    assertClose(new float[] {(float) (1 - 0.02 / (Math.sqrt(0.4) + 1e-8))}, p.toFloatArray(),
        HAND_ABS, HAND_REL, "p");
  }

  @Test
  void lambScalesTheUpdateByTheTrustRatio() {
    double lr = 0.1;
    double wd = 0.01;
    double eps = 1e-6;
    double[] p = {3, 4};
    double[] g = {0.5, -2};
    // Step 1: m_hat = g, v_hat = g^2, so u = g / (|g| + eps) + wd * p.
    double[] u = new double[2];
    for (int i = 0; i < 2; i++) {
      u[i] = g[i] / (Math.abs(g[i]) + eps) + wd * p[i];
    }
    double trust = 5 / Math.hypot(u[0], u[1]);
    Tensor param = tensor(toFloats(p));
    kernels().lamb(new LambConfig(lr, 0.9, 0.999, eps, wd), 1, param, tensor(toFloats(g)),
        tensor(0f, 0f), tensor(0f, 0f));
    float[] expected = {(float) (3 - lr * trust * u[0]), (float) (4 - lr * trust * u[1])};
    assertClose(expected, param.toFloatArray(), HAND_ABS, HAND_REL, "p");
  }

  @Test
  void lambTrustRatioIsOneWhenANormIsZero() {
    // ||p|| = 0: the update is the plain Adam-style direction, scaled by lr only.
    Tensor zero = tensor(0f, 0f);
    kernels().lamb(LambConfig.of(0.1), 1, zero, tensor(2f, -0.5f), tensor(0f, 0f),
        tensor(0f, 0f));
    assertClose(new float[] {-0.1f, 0.1f}, zero.toFloatArray(), HAND_ABS, HAND_REL, "zero p");
    // ||u|| = 0 (zero gradient, no decay): nothing moves, and no 0/0 appears.
    Tensor still = tensor(1f, 2f);
    kernels().lamb(LambConfig.of(0.1).withWeightDecay(0), 1, still, tensor(0f, 0f),
        tensor(0f, 0f), tensor(0f, 0f));
    assertClose(new float[] {1f, 2f}, still.toFloatArray(), 0, 0, "zero update");
  }

  @Test
  void l2NormOfHandPickedValues() {
    assertEquals(5, kernels().l2Norm(tensor(3f, 4f)), 1e-12);
    assertEquals(13, kernels().l2Norm(tensor(3f), tensor(4f), tensor(12f)), 1e-12);
    assertEquals(0, kernels().l2Norm());
    assertEquals(0, kernels().l2Norm(zeros(0)));
    // Squares of 1e30 overflow float32; summed in float64 they do not.
    double big = 1e30f;
    assertEquals(Math.sqrt(2) * big, kernels().l2Norm(tensor(1e30f, -1e30f)), 1e-14 * big);
    assertTrue(Double.isNaN(kernels().l2Norm(tensor(1f, Float.NaN))));
  }

  @Test
  void clipGradNormScalesOnlyWhenTheNormIsTooLarge() {
    Tensor a = tensor(3f);
    Tensor b = tensor(4f);
    assertEquals(5, kernels().clipGradNorm(1, a, b), 1e-12);
    float coefficient = (float) (1 / (5 + 1e-6));
    assertClose(new float[] {3 * coefficient}, a.toFloatArray(), 0, 1e-7, "a");
    assertClose(new float[] {4 * coefficient}, b.toFloatArray(), 0, 1e-7, "b");
    Tensor c = tensor(3f, 4f);
    assertEquals(5, kernels().clipGradNorm(10, c), 1e-12);
    assertClose(new float[] {3f, 4f}, c.toFloatArray(), 0, 0, "under the limit");
    Tensor d = tensor(Float.NaN, 1f);
    assertTrue(Double.isNaN(kernels().clipGradNorm(1, d)));
    assertTrue(Float.isNaN(d.getFlat(1)), "a NaN norm spreads, as in PyTorch");
  }

  // ---------------------------------------------------------------- convergence

  /** An optimizer whose learning rate starts at {@code lr0} and is multiplied by {@code decay}. */
  record Schedule(String name, double lr0, double decay, Minimiser step) {
    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface Minimiser {
    void apply(OptimizerKernels k, double lr, long step, Tensor p, Tensor g, Tensor[] s);
  }

  static List<Schedule> schedules() {
    return List.of(
        new Schedule("sgd", 0.1, 1, (k, lr, t, p, g, s) -> k.sgd(SgdConfig.of(lr), t, p, g,
            null)),
        new Schedule("sgd momentum dampening", 0.05, 1, (k, lr, t, p, g, s) ->
            k.sgd(new SgdConfig(lr, 0.9, 0.1, 0, false), t, p, g, s[0])),
        new Schedule("sgd nesterov", 0.05, 1, (k, lr, t, p, g, s) ->
            k.sgd(SgdConfig.ofNesterov(lr, 0.9), t, p, g, s[0])),
        new Schedule("adam", 0.05, 0.99, (k, lr, t, p, g, s) ->
            k.adam(AdamConfig.adam(lr), t, p, g, s[0], s[1])),
        new Schedule("adamw", 0.05, 0.99, (k, lr, t, p, g, s) ->
            k.adam(AdamConfig.adamW(lr, 1e-4), t, p, g, s[0], s[1])),
        new Schedule("adam amsgrad", 0.05, 0.99, (k, lr, t, p, g, s) ->
            k.adam(AdamConfig.adam(lr).withAmsgrad(true), t, p, g, s[0], s[1], s[2])),
        new Schedule("rmsprop", 0.05, 0.99, (k, lr, t, p, g, s) ->
            k.rmsprop(RmsPropConfig.of(lr), p, g, s[0], null, null)),
        new Schedule("rmsprop centered momentum", 0.01, 0.99, (k, lr, t, p, g, s) ->
            k.rmsprop(new RmsPropConfig(lr, 0.9, 1e-8, 0.5, true, 0), p, g, s[0], s[1], s[2])),
        new Schedule("lamb", 0.05, 0.985, (k, lr, t, p, g, s) ->
            k.lamb(LambConfig.of(lr).withWeightDecay(0), t, p, g, s[0], s[1])));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schedules")
  void minimisesAQuadratic(Schedule schedule) {
    int n = 67;
    RandomTensors random = new RandomTensors(SEED);
    float[] target = random.uniformArray(n, -1f, 1f);
    Tensor p = track(random.uniform(n));
    Tensor g = zeros(n);
    Tensor[] s = zeroStates(n);
    double lr = schedule.lr0();
    for (int t = 1; t <= 400; t++) {
      // f(p) = sum((p - target)^2), so df/dp = 2 (p - target).
      float[] pv = p.toFloatArray();
      float[] gv = new float[n];
      for (int i = 0; i < n; i++) {
        gv[i] = 2 * (pv[i] - target[i]);
      }
      g.copyFrom(gv);
      schedule.step().apply(kernels(), lr, t, p, g, s);
      lr *= schedule.decay();
    }
    float[] result = p.toFloatArray();
    double worst = 0;
    for (int i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs(result[i] - target[i]));
    }
    assertTrue(worst < 1e-2, schedule.name() + ": largest distance to the minimum " + worst);
  }

  // ---------------------------------------------------------------- validation

  @Test
  void mismatchedShapesAreRefusedWithBothShapes() {
    Tensor p = zeros(4);
    Tensor g = zeros(5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernels().sgd(SgdConfig.of(0.1), 1, p, g, null));
    assertMentions(e, "grad", "float32[5]", "float32[4]");
    Tensor m = zeros(2, 2);
    e = assertThrows(IllegalArgumentException.class,
        () -> kernels().adam(AdamConfig.adam(0.1), 1, p, zeros(4), m,
            zeros(4)));
    assertMentions(e, "m:", "float32[2, 2]", "float32[4]");
    e = assertThrows(IllegalArgumentException.class,
        () -> kernels().lamb(LambConfig.of(0.1), 1, p, zeros(4),
            zeros(4), zeros(3)));
    assertMentions(e, "v:", "float32[3]");
  }

  @Test
  void stateIsRequiredExactlyWhenTheConfigUsesIt() {
    Tensor p = zeros(4);
    Tensor g = zeros(4);
    Tensor s = zeros(4);
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().sgd(SgdConfig.ofMomentum(0.1, 0.9), 1, p, g, null)),
        "momentumBuffer: null", "momentum() is 0.9");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().sgd(SgdConfig.of(0.1), 1, p, g, s)), "momentumBuffer", "expected: null");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().adam(AdamConfig.adam(0.1).withAmsgrad(true), 1, p, g, s,
            zeros(4))), "vMax: null", "amsgrad");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().rmsprop(RmsPropConfig.of(0.1).withCentered(true), p, g, s, null, null)),
        "gradAvg: null", "centered");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().rmsprop(RmsPropConfig.of(0.1), p, g, null, null, null)),
        "squareAvg: null");
  }

  @Test
  void stepsCountFromOne() {
    Tensor p = zeros(4);
    Tensor g = zeros(4);
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().adam(AdamConfig.adam(0.1), 0, p, g, zeros(4),
            zeros(4))), "step: 0", ">= 1");
  }

  @Test
  void layoutDtypeAndAliasingAreChecked() {
    Tensor p = zeros(2, 3);
    Tensor transposed = zeros(3, 2).transpose(0, 1);
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().sgd(SgdConfig.of(0.1), 1, p, transposed, null)),
        "grad", "strided", "contiguous()");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().sgd(SgdConfig.of(0.1), 1, p, track(Tensor.allocate(DType.INT32, 2, 3)),
            null)), "grad", "int32[2, 3]", "float32");
    Tensor shared = zeros(2, 3);
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().adam(AdamConfig.adam(0.1), 1, p, zeros(2, 3), shared,
            shared)), "m and v share memory");
    Tensor storage = zeros(10);
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().sgd(SgdConfig.ofMomentum(0.1, 0.9), 1, storage.slice(0, 0, 6),
            zeros(6), storage.slice(0, 4, 10))),
        "param and momentumBuffer share memory");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().sgd(null, 1, p, p, null)), "config: null");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().l2Norm(p, null)), "tensors[1]: null");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().clipGradNorm(-1, p)), "maxNorm: -1.0");
    assertMentions(assertThrows(IllegalArgumentException.class,
        () -> kernels().scaleInPlace(transposed, 2f)), "tensor", "contiguous()");
  }

  @Test
  void disjointSlicesOfOneStorageAreAccepted() {
    Tensor storage = zeros(12);
    storage.fill(1f);
    Tensor p = storage.slice(0, 0, 4);
    Tensor g = storage.slice(0, 4, 8);
    Tensor buf = storage.slice(0, 8, 12);
    kernels().sgd(SgdConfig.ofMomentum(0.5, 0.9), 1, p, g, buf);
    assertClose(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, p.toFloatArray(), 0, 0, "p");
  }

  private void assumeNotReference(String why) {
    assumeFalse(candidate().backend() == Backend.REFERENCE, why);
  }

  private static void assertMentions(IllegalArgumentException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part),
          "message \"" + e.getMessage() + "\" should mention \"" + part + "\"");
    }
  }

  private static float[] toFloats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
