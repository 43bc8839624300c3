package dev.harmonics.kernel.conformance;

import static dev.harmonics.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.LossKernels;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cross-entropy and MSE of {@link #candidate()} against the reference. */
public abstract class LossConformance extends KernelConformanceTest {

  /** A mean of per-row losses: float row sums (exp within ~1 ulp) against double. */
  private static final double LOSS_REL = 1e-5;
  private static final double LOSS_ABS = 1e-6;
  /** Gradient entries are probabilities over N: relative float error of the row's sum. */
  private static final double GRAD_ABS = 1e-8;
  private static final double GRAD_REL = 2e-5;
  /** Two float ulps of 1: the rounding of a probability near 1 in {@code p - 1}. */
  private static final double SMALL_GRAD_ABS = 2.4e-7;
  /**
   * Finite differences of a loss returned as a float: its rounding (~1e-7 of the loss) over 2h,
   * plus the O(h^2) truncation.
   */
  private static final double FD_H = 1e-2;
  private static final double FD_ABS = 2e-4;
  private static final double FD_REL = 1e-2;

  private static final int IGNORE = -100;

  private LossKernels kernels() {
    return candidate().losses();
  }

  private LossKernels oracle() {
    return reference().losses();
  }

  private Tensor labels(int... values) {
    return track(Tensor.ofInts(values, values.length));
  }

  /** Random labels in {@code [0, classes)}, with about one in five set to {@link #IGNORE}. */
  private Tensor randomLabels(int rows, int classes, boolean withIgnored) {
    int[] values = new int[rows];
    for (int n = 0; n < rows; n++) {
      boolean ignored = withIgnored && random.between(0, 4) == 0;
      values[n] = ignored ? IGNORE : random.between(0, classes - 1);
    }
    return labels(values);
  }

  /** Rows of random probabilities. */
  private Tensor randomTargets(int rows, int classes) {
    Tensor t = uniform(0f, 1f, rows, classes);
    float[] v = t.toFloatArray();
    for (int n = 0; n < rows; n++) {
      double sum = 0;
      for (int j = 0; j < classes; j++) {
        sum += v[n * classes + j];
      }
      for (int j = 0; j < classes; j++) {
        v[n * classes + j] /= (float) sum;
      }
    }
    return t.copyFrom(v);
  }

  private List<int[]> shapes() {
    List<int[]> shapes = new ArrayList<>();
    for (int c : RandomTensors.AWKWARD_LENGTHS) {
      shapes.add(new int[] {c > 10_000 ? 2 : 5, c});
    }
    shapes.add(new int[] {1, 1});
    shapes.add(new int[] {2000, 37});
    // rows of one and a half and two vectors at 8 lanes, split across the pool's threads
    shapes.add(new int[] {2000, 12});
    shapes.add(new int[] {1000, 32});
    shapes.add(new int[] {random.between(1, 64), random.between(1, 300)});
    return shapes;
  }

  @Test
  void crossEntropyWithLabelsMatchesReference() {
    for (int[] shape : shapes()) {
      int rows = shape[0];
      int classes = shape[1];
      Tensor logits = uniform(-8f, 8f, shape);
      for (boolean ignore : new boolean[] {false, true}) {
        Tensor labels = randomLabels(rows, classes, ignore);
        int ignoreIndex = ignore ? IGNORE : LossKernels.NO_IGNORE_INDEX;
        for (float smoothing : new float[] {0f, 0.1f}) {
          String what = rows + "x" + classes + " ignore " + ignore + " smoothing " + smoothing;
          Tensor grad = zeros(shape);
          Tensor gradRef = zeros(shape);
          float expected =
              oracle().softmaxCrossEntropy(logits, labels, ignoreIndex, smoothing, gradRef);
          float actual =
              kernels().softmaxCrossEntropy(logits, labels, ignoreIndex, smoothing, grad);
          assertLoss(expected, actual, what);
          assertClose(gradRef, grad, GRAD_ABS, GRAD_REL, what + ": dlogits");
          float lossOnly =
              kernels().softmaxCrossEntropy(logits, labels, ignoreIndex, smoothing, null);
          assertEquals(actual, lossOnly, Math.abs(actual) * 1e-6, what + ": without dlogits");
        }
      }
    }
  }

  @Test
  void crossEntropyWithProbabilitiesMatchesReference() {
    for (int[] shape : shapes()) {
      Tensor logits = uniform(-8f, 8f, shape);
      Tensor targets = randomTargets(shape[0], shape[1]);
      Tensor unnormalised = uniform(0f, 2f, shape);
      for (Tensor t : new Tensor[] {targets, unnormalised}) {
        for (float smoothing : t == targets ? new float[] {0f, 0.2f} : new float[] {0.2f}) {
          String what = shape[0] + "x" + shape[1] + " smoothing " + smoothing;
          Tensor grad = zeros(shape);
          Tensor gradRef = zeros(shape);
          float expected =
              oracle().softmaxCrossEntropyWithProbabilities(logits, t, smoothing, gradRef);
          float actual = kernels().softmaxCrossEntropyWithProbabilities(logits, t, smoothing, grad);
          assertLoss(expected, actual, what);
          // dlogits = (p * sum(t) - t) / N cancels where p * sum(t) is close to t, so the error
          // is relative to the size of those terms (up to 2 / N here), not to the result.
          double termScale = 2.0 / shape[0];
          assertClose(gradRef, grad, GRAD_ABS + 1e-6 * termScale, GRAD_REL, what + ": dlogits");
          assertLoss(expected,
              kernels().softmaxCrossEntropyWithProbabilities(logits, t, smoothing, null),
              what + " without dlogits");
        }
      }
    }
  }

  @Test
  void mseMatchesReference() {
    List<Integer> sizes = new ArrayList<>();
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      sizes.add(n);
    }
    sizes.add(300_007);
    for (int n : sizes) {
      Tensor p = uniform(-3f, 3f, n);
      Tensor t = uniform(-3f, 3f, n);
      assertLoss(oracle().mse(p, t), kernels().mse(p, t), "mse of " + n);
      Tensor grad = zeros(n);
      Tensor gradRef = zeros(n);
      oracle().mseBackward(p, t, gradRef);
      kernels().mseBackward(p, t, grad);
      assertClose(gradRef, grad, 0, 1e-6, "mse gradient of " + n);
    }
    Tensor p = uniform(-1f, 1f, 3, 4, 5);
    Tensor t = uniform(-1f, 1f, 3, 4, 5);
    assertLoss(oracle().mse(p, t), kernels().mse(p, t), "mse of a rank-3 tensor");
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Tensor logits = uniform(-2f, 2f, 4, 5);
    Tensor labels = labels(3, IGNORE, 0, 4);
    Tensor grad = zeros(4, 5);
    for (float smoothing : new float[] {0f, 0.3f}) {
      kernels().softmaxCrossEntropy(logits, labels, IGNORE, smoothing, grad);
      double[] numerical = GradientCheck.numericalGradient(logits,
          z -> kernels().softmaxCrossEntropy(z, labels, IGNORE, smoothing, null), FD_H);
      GradientCheck.assertGradient(numerical, grad, FD_ABS, FD_REL,
          "cross-entropy with labels, smoothing " + smoothing);
    }
    Tensor targets = uniform(0f, 1f, 4, 5);
    for (float smoothing : new float[] {0f, 0.3f}) {
      kernels().softmaxCrossEntropyWithProbabilities(logits, targets, smoothing, grad);
      double[] numerical = GradientCheck.numericalGradient(logits,
          z -> kernels().softmaxCrossEntropyWithProbabilities(z, targets, smoothing, null), FD_H);
      GradientCheck.assertGradient(numerical, grad, FD_ABS, FD_REL,
          "cross-entropy with probabilities, smoothing " + smoothing);
    }
    Tensor p = uniform(-1f, 1f, 3, 7);
    Tensor t = uniform(-1f, 1f, 3, 7);
    Tensor dp = zeros(3, 7);
    kernels().mseBackward(p, t, dp);
    GradientCheck.assertGradient(
        GradientCheck.numericalGradient(p, x -> kernels().mse(x, t), FD_H), dp, FD_ABS, FD_REL,
        "mse");
  }

  @Test
  void handComputedValues() {
    Tensor logits = of(new float[] {0, 0, 0, 1, 2, 3}, 2, 3);
    Tensor grad = zeros(2, 3);
    // row 0: uniform over 3, label 1: loss ln 3; row 1: softmax (0.0900, 0.2447, 0.6652), label 2
    float loss = kernels().softmaxCrossEntropy(logits, labels(1, 2), grad);
    assertEquals((Math.log(3) - Math.log(0.66524096)) / 2, loss, 1e-6);
    float third = 1f / 3;
    assertClose(new float[] {third / 2, (third - 1) / 2, third / 2, 0.09003057f / 2,
        0.24472847f / 2, (0.66524096f - 1) / 2}, grad.toFloatArray(), 1e-7, 1e-6, "dlogits");

    Tensor pair = of(new float[] {0, 0}, 1, 2);
    Tensor g2 = zeros(1, 2);
    // smoothing 0.2 over 2 classes: target (0.9, 0.1); the loss is still ln 2
    assertEquals(Math.log(2), kernels().softmaxCrossEntropy(pair, labels(0), IGNORE, 0.2f, g2),
        1e-6);
    assertClose(new float[] {-0.4f, 0.4f}, g2.toFloatArray(), 1e-7, 1e-6, "smoothed dlogits");

    assertEquals(Math.log(2), kernels().softmaxCrossEntropyWithProbabilities(pair,
        of(new float[] {0.25f, 0.75f}, 1, 2), g2), 1e-6);
    assertClose(new float[] {0.25f, -0.25f}, g2.toFloatArray(), 1e-7, 1e-6, "dlogits, targets");

    Tensor p = of(new float[] {1, 2, 3}, 3);
    Tensor t = of(new float[] {1, 0, 0}, 3);
    assertEquals(13.0 / 3, kernels().mse(p, t), 1e-6);
    Tensor dp = zeros(3);
    kernels().mseBackward(p, t, dp);
    assertClose(new float[] {0f, 4f / 3, 2f}, dp.toFloatArray(), 1e-7, 1e-6, "mse gradient");
  }

  @Test
  void ignoredRowsAreNotCounted() {
    Tensor logits = of(new float[] {0, 0, 5, -5, 1, 2}, 3, 2);
    Tensor grad = zeros(3, 2).fill(7f);
    float loss = kernels().softmaxCrossEntropy(logits, labels(0, IGNORE, IGNORE), IGNORE, 0f,
        grad);
    assertEquals(Math.log(2), loss, 1e-6, "the mean is over the one counted row");
    assertClose(new float[] {-0.5f, 0.5f, 0, 0, 0, 0}, grad.toFloatArray(), 1e-7, 0,
        "ignored rows get zero gradient");
    float none = kernels().softmaxCrossEntropy(logits, labels(IGNORE, IGNORE, IGNORE), IGNORE, 0f,
        grad);
    assertTrue(Float.isNaN(none), "no counted row: 0 / 0");
    assertClose(new float[6], grad.toFloatArray(), 0, 0, "no counted row: zero gradient");
    assertTrue(Float.isNaN(kernels().mse(zeros(0), zeros(0))), "mse of nothing: 0 / 0");
    // an ignore index that is also a class: rows with that label are ignored, not counted
    float inRange = kernels().softmaxCrossEntropy(logits, labels(0, 1, 1), 1, 0f, grad);
    assertEquals(Math.log(2), inRange, 1e-6, "ignore index 1: the mean is over row 0");
    assertClose(new float[] {-0.5f, 0.5f, 0, 0, 0, 0}, grad.toFloatArray(), 1e-7, 0,
        "ignore index 1: rows 1 and 2 get zero gradient");
  }

  /**
   * Small inputs (rows of at most two vectors, a few rows: the register paths of the SIMD kernel),
   * every class count around the 4-, 8- and 16-lane widths, over a gradient filled with
   * NaN first, so that an element the kernel forgets to write fails the comparison. More than 32
   * rows as well, where the one-register path takes a logarithm per group of rows; and logits
   * beyond +-16, where that path shifts by the row maximum before the exponential. With two or
   * three classes a probability near 1 is common, and its gradient {@code p - 1} keeps the float
   * rounding of {@code p} (half an ulp of 1, 6e-8) as an absolute error, which {@link #GRAD_ABS}
   * (sized for many classes) does not allow.
   */
  @Test
  void crossEntropyOfSmallInputsMatchesReference() {
    for (int rows : new int[] {1, 2, 5, 33, 70}) {
      for (int classes : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33}) {
        // logits within +-16 take exp(z) unshifted; the wide ones need the shift by the maximum
        float spread = rows == 5 ? 100f : 8f;
        Tensor logits = uniform(-spread, spread, rows, classes);
        for (boolean ignore : new boolean[] {false, true}) {
          Tensor labels = randomLabels(rows, classes, ignore);
          int ignoreIndex = ignore ? IGNORE : LossKernels.NO_IGNORE_INDEX;
          for (float smoothing : new float[] {0f, 0.25f}) {
            String what = "small " + rows + "x" + classes + " ignore " + ignore + " smoothing "
                + smoothing;
            Tensor grad = zeros(rows, classes).fill(Float.NaN);
            Tensor gradRef = zeros(rows, classes);
            float expected =
                oracle().softmaxCrossEntropy(logits, labels, ignoreIndex, smoothing, gradRef);
            float actual =
                kernels().softmaxCrossEntropy(logits, labels, ignoreIndex, smoothing, grad);
            assertLoss(expected, actual, what);
            assertClose(gradRef, grad, SMALL_GRAD_ABS, GRAD_REL, what + ": dlogits");
            assertLoss(expected,
                kernels().softmaxCrossEntropy(logits, labels, ignoreIndex, smoothing, null),
                what + ": without dlogits");
          }
        }
      }
    }
  }

  /**
   * Rows of exactly one vector (4, 8 or 16 classes: whichever matches the lanes takes the SIMD
   * kernel's unmasked path) at the edges of its unshifted-exponential range (a maximum of exactly
   * 16 or -16, just outside, far outside, +-1e30), with -inf in classes other than the label and
   * the label at the last index, in place and not; then a NaN and a +inf logit. Rows of one and a
   * half and two vectors (the two-vector path, which always shifts by the maximum) take the same
   * values.
   */
  @Test
  void crossEntropyOfWholeVectorRowsAtTheEdgesMatchesReference() {
    float inf = Float.POSITIVE_INFINITY;
    for (int classes : new int[] {4, 6, 8, 12, 16, 24, 32}) {
      Tensor logits = uniform(-8f, 8f, 7, classes);
      int last = classes - 1;
      logits.set(16f, 0, 1);
      logits.set(16.5f, 1, 0);
      for (int j = 0; j < classes; j++) {
        logits.set(-17f - 3 * j, 2, j);
        logits.set(j == 2 ? -16f : -30f, 3, j);
        logits.set(j % 2 == 0 ? 1e30f : -1e30f, 4, j);
      }
      logits.set(-inf, 5, 0);
      logits.set(-inf, 5, 2);
      logits.set(-inf, 6, last);
      Tensor labels = labels(last, last, 0, last, 2, last, 1);
      for (boolean inPlace : new boolean[] {false, true}) {
        String what = "rows of " + classes + (inPlace ? ", in place" : "");
        Tensor gradRef = zeros(7, classes);
        float expected = oracle().softmaxCrossEntropy(logits, labels, gradRef);
        Tensor input = inPlace ? of(logits.toFloatArray(), 7, classes) : logits;
        Tensor grad = inPlace ? input : zeros(7, classes);
        assertLoss(expected, kernels().softmaxCrossEntropy(input, labels, grad), what);
        assertClose(gradRef, grad, SMALL_GRAD_ABS, GRAD_REL, what + ": dlogits");
      }
      for (float special : new float[] {Float.NaN, inf}) {
        Tensor odd = of(logits.toFloatArray(), 7, classes);
        odd.set(special, 3, last);
        Tensor grad = zeros(7, classes);
        Tensor gradRef = zeros(7, classes);
        float expected = oracle().softmaxCrossEntropy(odd, labels, gradRef);
        float actual = kernels().softmaxCrossEntropy(odd, labels, grad);
        assertTrue(Float.isNaN(expected) && Float.isNaN(actual), special + " logit: loss NaN");
        assertClose(gradRef, grad, SMALL_GRAD_ABS, GRAD_REL, special + " logit: dlogits");
      }
    }
  }

  /**
   * With label smoothing, a -inf logit in each class in turn, for every width up to 33 classes:
   * where the SIMD kernel reads a row's last vector overlapping the one before it, the shared lanes
   * must drop out of the smoothing sum without turning -inf into NaN, so the loss stays +inf.
   */
  @Test
  void crossEntropyWithSmoothingAndMinusInfinityInAnyClassMatchesReference() {
    for (int classes = 2; classes <= 33; classes++) {
      Tensor logits = uniform(-4f, 4f, classes, classes);
      int[] labelValues = new int[classes];
      for (int r = 0; r < classes; r++) {
        logits.set(Float.NEGATIVE_INFINITY, r, r);
        labelValues[r] = (r + 1) % classes;
      }
      Tensor labels = labels(labelValues);
      String what = "smoothing 0.1, -inf in each class, " + classes + " classes";
      Tensor gradRef = zeros(classes, classes);
      Tensor grad = zeros(classes, classes);
      float expected = oracle().softmaxCrossEntropy(logits, labels, LossKernels.NO_IGNORE_INDEX,
          0.1f, gradRef);
      float actual = kernels().softmaxCrossEntropy(logits, labels, LossKernels.NO_IGNORE_INDEX,
          0.1f, grad);
      assertEquals(Float.POSITIVE_INFINITY, expected, what + ": reference loss");
      assertEquals(Float.POSITIVE_INFINITY, actual, what + ": loss");
      assertClose(gradRef, grad, SMALL_GRAD_ABS, GRAD_REL, what + ": dlogits");
    }
  }

  @Test
  void specialValues() {
    float inf = Float.POSITIVE_INFINITY;
    Tensor logits = of(new float[] {-inf, 0, 0}, 1, 3);
    Tensor grad = zeros(1, 3);
    assertEquals(Math.log(2), kernels().softmaxCrossEntropy(logits, labels(1), grad), 1e-6,
        "a -inf logit is a class of probability 0");
    assertClose(new float[] {0, -0.5f, 0.5f}, grad.toFloatArray(), 1e-7, 0, "dlogits");
    assertEquals(inf, kernels().softmaxCrossEntropy(logits, labels(0), grad),
        "the label has probability 0");
    assertTrue(Float.isNaN(kernels().softmaxCrossEntropy(of(new float[] {1, inf, 0}, 1, 3),
        labels(0), grad)), "+inf logit");
    assertTrue(Float.isNaN(grad.getFlat(0)));
    assertTrue(Float.isNaN(kernels().softmaxCrossEntropy(of(new float[] {1, Float.NaN}, 1, 2),
        labels(0), null)), "NaN logit");
    assertTrue(Float.isNaN(kernels().mse(of(new float[] {1, Float.NaN}, 2), zeros(2))));
    float big = kernels().softmaxCrossEntropy(of(new float[] {1e4f, 0f, -1e4f}, 1, 3), labels(1),
        null);
    assertEquals(1e4, big, 1e-2, "large logits do not overflow");
  }

  @Test
  void gradientMayOverwriteTheLogits() {
    Tensor logits = uniform(-4f, 4f, 6, 19);
    Tensor labels = randomLabels(6, 19, true);
    Tensor expected = zeros(6, 19);
    float loss = kernels().softmaxCrossEntropy(logits, labels, IGNORE, 0.1f, expected);
    Tensor inPlace = of(logits.toFloatArray(), 6, 19);
    assertEquals(loss, kernels().softmaxCrossEntropy(inPlace, labels, IGNORE, 0.1f, inPlace));
    assertClose(expected, inPlace, 0, 0, "dlogits == logits, labels");
    Tensor targets = randomTargets(6, 19);
    float probLoss = kernels().softmaxCrossEntropyWithProbabilities(logits, targets, 0.1f,
        expected);
    inPlace.copyFrom(logits.toFloatArray());
    assertEquals(probLoss,
        kernels().softmaxCrossEntropyWithProbabilities(inPlace, targets, 0.1f, inPlace));
    assertClose(expected, inPlace, 0, 0, "dlogits == logits, targets");
  }

  @Test
  void rejectsBadArguments() {
    Tensor logits = zeros(3, 4);
    expectError(() -> kernels().softmaxCrossEntropy(logits, labels(0, 4, 1), null),
        "labels[1]: 4", "a class in [0, 4)");
    expectError(() -> kernels().softmaxCrossEntropy(logits, labels(0, -1, 1), -100, 0f, null),
        "labels[1]: -1", "or the ignore index -100");
    expectError(() -> kernels().softmaxCrossEntropy(logits, labels(0, 1), null),
        "labels: int32[2]", "[3] to match logits: float32[3, 4]");
    expectError(() -> kernels().softmaxCrossEntropy(logits, zeros(3), null), "labels: float32[3]",
        "int32");
    expectError(() -> kernels().softmaxCrossEntropy(zeros(4), labels(0), null),
        "logits: float32[4]", "[N, C]");
    expectError(() -> kernels().softmaxCrossEntropy(zeros(3, 0), labels(0, 0, 0), null),
        "logits: float32[3, 0]", "at least one class");
    expectError(() -> kernels().softmaxCrossEntropy(logits, labels(0, 1, 2), IGNORE, 1.5f, null),
        "labelSmoothing: 1.5");
    expectError(() -> kernels().softmaxCrossEntropy(logits, labels(0, 1, 2), zeros(4, 3)),
        "dlogits: float32[4, 3]", "[3, 4]");
    expectError(() -> kernels().softmaxCrossEntropy(zeros(4, 3).transpose(0, 1), labels(0, 1, 2),
        null), "logits: float32[3, 4] (strided view)", "contiguous()");
    expectError(() -> kernels().softmaxCrossEntropyWithProbabilities(logits, zeros(3, 5), null),
        "targets: float32[3, 5]");
    expectError(() -> kernels().mse(zeros(3), zeros(4)), "target: float32[4]");
    expectError(() -> kernels().mseBackward(zeros(3), zeros(3), zeros(2)),
        "dprediction: float32[2]");
    expectError(() -> kernels().mse(track(Tensor.allocate(DType.INT32, 3)), zeros(3)),
        "prediction: int32[3]");
  }

  /**
   * A bad label in the last row is found before any row is written: the gradient keeps what it
   * held and, when it is the logits themselves, the logits survive. Shapes cover rows of one
   * vector, longer rows, and a call large enough to be split into slices.
   */
  @Test
  void badLabelLeavesGradientAndLogitsUntouched() {
    for (int[] shape : new int[][] {{4, 16}, {3, 5}, {5, 40}, {2000, 37}}) {
      int rows = shape[0];
      int classes = shape[1];
      Tensor logits = uniform(-3f, 3f, rows, classes);
      float[] logitValues = logits.toFloatArray();
      Tensor labels = randomLabels(rows, classes, false);
      labels.setIntFlat(rows - 1, classes);
      String badLabel = "labels[" + (rows - 1) + "]: " + classes;
      String what = "[" + rows + ", " + classes + "]";

      Tensor grad = uniform(-1f, 1f, rows, classes);
      float[] gradValues = grad.toFloatArray();
      expectError(() -> kernels().softmaxCrossEntropy(logits, labels, grad), badLabel);
      assertArrayEquals(gradValues, grad.toFloatArray(), what + ": dlogits after a bad label");
      expectError(() -> kernels().softmaxCrossEntropy(logits, labels, IGNORE, 0.1f, grad),
          badLabel);
      assertArrayEquals(gradValues, grad.toFloatArray(),
          what + ": dlogits after a bad label, smoothing");

      expectError(() -> kernels().softmaxCrossEntropy(logits, labels, logits), badLabel);
      assertArrayEquals(logitValues, logits.toFloatArray(),
          what + ": logits in place after a bad label");
    }
  }

  private static void assertLoss(float expected, float actual, String what) {
    if (Float.isNaN(expected)) {
      assertTrue(Float.isNaN(actual), what + ": expected NaN, got " + actual);
      return;
    }
    assertEquals(expected, actual, LOSS_ABS + LOSS_REL * Math.abs(expected), what);
  }
}
