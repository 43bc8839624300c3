package dev.harmonics.kernel.conformance;

import static dev.harmonics.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.NormKernels;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Batch norm, layer norm and RMS norm of {@link #candidate()} against the reference. */
public abstract class NormConformance extends KernelConformanceTest {

  /**
   * Normalised outputs are O(1); the candidate may take its statistics with float lanes instead of
   * double, which moves them by a few float ulps of the input's magnitude.
   */
  private static final double OUT_ABS = 2e-5;
  private static final double OUT_REL = 2e-5;
  /** Per-channel or per-column sums over up to ~100k values, float blocks versus double. */
  private static final double SUM_ABS = 1e-4;
  private static final double SUM_REL = 1e-4;
  /**
   * Central differences of a float32 forward pass: the forward's rounding noise (~1e-7 relative)
   * divided by 2h, plus the O(h^2) truncation of a smooth function.
   */
  private static final double GRAD_H = 5e-3;
  private static final double GRAD_ABS = 2e-3;
  private static final double GRAD_REL = 2e-2;

  private static final float EPS = 1e-5f;
  private static final float MOMENTUM = 0.1f;

  /**
   * Batch-norm shapes: dense, planes shorter and longer than a vector, on both sides of the 64
   * elements where the SIMD kernel switches from column-wise to plane-wise, rank 3 and 5, large.
   */
  private static final int[][] BATCH_SHAPES = {
      {2, 1}, {2, 3}, {5, 17}, {3, 33}, {7, 1, 1, 1}, {2, 3, 1, 3}, {3, 2, 3, 5}, {2, 4, 5, 7},
      {3, 3, 7, 7}, {2, 3, 8, 8}, {3, 2, 5, 13}, {2, 5, 13, 17}, {4, 3, 11}, {2, 2, 3, 3, 5},
      {1, 3, 31}, {1000, 103}, {8, 16, 28, 28}};

  private NormKernels kernels() {
    return candidate().norm();
  }

  private NormKernels oracle() {
    return reference().norm();
  }

  private Tensor copy(Tensor t) {
    return of(t.toFloatArray(), t.shape());
  }

  private static int[] dims(int... d) {
    return d;
  }

  private static int product(int[] shape) {
    return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
  }

  // ---------------------------------------------------------------- batch norm

  @Test
  void batchNormTrainingForwardMatchesReference() {
    for (int[] shape : withRandomBatchShapes()) {
      int c = shape[1];
      String what = "batch norm training " + Arrays.toString(shape);
      Tensor x = uniform(-2f, 4f, shape);
      Tensor gamma = uniform(0.5f, 1.5f, c);
      Tensor beta = uniform(-1f, 1f, c);
      Tensor runMean = uniform(-1f, 1f, c);
      Tensor runVar = uniform(0.5f, 2f, c);
      Tensor expectedMean = copy(runMean);
      Tensor expectedVar = copy(runVar);
      Tensor y = zeros(shape);
      Tensor yRef = zeros(shape);
      Tensor save = zeros(c);
      Tensor saveRef = zeros(c);
      Tensor inv = zeros(c);
      Tensor invRef = zeros(c);
      oracle().batchNormTrainingForward(x, gamma, beta, expectedMean, expectedVar, MOMENTUM, EPS,
          yRef, saveRef, invRef);
      kernels().batchNormTrainingForward(x, gamma, beta, runMean, runVar, MOMENTUM, EPS, y, save,
          inv);
      assertClose(yRef, y, OUT_ABS, OUT_REL, what + ": y");
      assertClose(saveRef, save, SUM_ABS, SUM_REL, what + ": saveMean");
      assertClose(invRef, inv, SUM_ABS, SUM_REL, what + ": saveInvStd");
      assertClose(expectedMean, runMean, SUM_ABS, SUM_REL, what + ": runningMean");
      assertClose(expectedVar, runVar, SUM_ABS, SUM_REL, what + ": runningVar");
    }
  }

  /**
   * Small dense {@code [N, C]} inputs (the SIMD kernel's register path across channels): channel
   * counts on both sides of the 4-, 8- and 16-lane widths, batches with an odd row and past one
   * block of 32 rows; outputs filled with NaN first, so an element left unwritten fails; and a
   * first row far from the rest, whose one-pass variance would cancel.
   */
  @Test
  void batchNormOfSmallDenseInputsMatchesReference() {
    for (int n : new int[] {2, 3, 5, 8, 33, 70}) {
      for (int c : new int[] {1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 33}) {
        for (boolean outlier : new boolean[] {false, true}) {
          String what = "batch norm training [" + n + ", " + c + "] outlier " + outlier;
          Tensor x = uniform(-2f, 4f, n, c);
          if (outlier) {
            for (int j = 0; j < c; j++) {
              x.set(x.get(0, j) + 1000f, 0, j);
            }
          }
          Tensor gamma = uniform(0.5f, 1.5f, c);
          Tensor beta = uniform(-1f, 1f, c);
          Tensor runMean = uniform(-1f, 1f, c);
          Tensor runVar = uniform(0.5f, 2f, c);
          Tensor expectedMean = copy(runMean);
          Tensor expectedVar = copy(runVar);
          Tensor y = zeros(n, c).fill(Float.NaN);
          Tensor yRef = zeros(n, c);
          Tensor save = zeros(c).fill(Float.NaN);
          Tensor saveRef = zeros(c);
          Tensor inv = zeros(c).fill(Float.NaN);
          Tensor invRef = zeros(c);
          oracle().batchNormTrainingForward(x, gamma, beta, expectedMean, expectedVar, MOMENTUM,
              EPS, yRef, saveRef, invRef);
          kernels().batchNormTrainingForward(x, gamma, beta, runMean, runVar, MOMENTUM, EPS, y,
              save, inv);
          assertClose(yRef, y, OUT_ABS, OUT_REL, what + ": y");
          assertClose(saveRef, save, SUM_ABS, SUM_REL, what + ": saveMean");
          assertClose(invRef, inv, SUM_ABS, SUM_REL, what + ": saveInvStd");
          assertClose(expectedMean, runMean, SUM_ABS, SUM_REL, what + ": runningMean");
          assertClose(expectedVar, runVar, SUM_ABS, SUM_REL, what + ": runningVar");
          Tensor inPlace = copy(x);
          kernels().batchNormTrainingForward(inPlace, gamma, beta, zeros(c), zeros(c), MOMENTUM,
              EPS, inPlace, null, null);
          assertClose(yRef, inPlace, OUT_ABS, OUT_REL, what + ": in place");
        }
      }
    }
    Tensor dense = uniform(-1f, 1f, 5, 7);
    dense.set(Float.NaN, 3, 2);
    dense.set(Float.POSITIVE_INFINITY, 0, 4);
    Tensor y = zeros(5, 7);
    Tensor runMean = zeros(7);
    kernels().batchNormTrainingForward(dense, of(new float[] {1, 1, 1, 1, 1, 1, 1}, 7), zeros(7),
        runMean, zeros(7), MOMENTUM, EPS, y, null, null);
    for (int n = 0; n < 5; n++) {
      for (int j = 0; j < 7; j++) {
        assertEquals(j == 2 || j == 4, Float.isNaN(y.get(n, j)), "y[" + n + ", " + j + "]");
      }
    }
    assertTrue(Float.isNaN(runMean.getFlat(2)) && !Float.isNaN(runMean.getFlat(3)));
  }

  /**
   * Small dense inputs (the SIMD kernel's register paths, half-width vectors up to half a vector
   * of channels) with constant channels, whose variance is exactly 0 so that eps alone sets the
   * scale, next to varying ones, for eps from 0 (a constant channel is then 0 / 0, NaN in both)
   * to large.
   */
  @Test
  void batchNormOfSmallDenseInputsWithConstantChannelsMatchesReference() {
    for (int[] shape : new int[][] {{2, 1}, {8, 8}, {5, 3}, {3, 4}, {16, 8}, {7, 5}, {9, 16}}) {
      int n = shape[0];
      int c = shape[1];
      Tensor x = uniform(-3f, 3f, n, c);
      for (int j = 0; j < c; j += 2) {
        float constant = j % 4 == 0 ? 1000.5f : -0.25f * j;
        for (int r = 0; r < n; r++) {
          x.set(constant, r, j);
        }
      }
      Tensor gamma = uniform(0.5f, 1.5f, c);
      Tensor beta = uniform(-1f, 1f, c);
      for (float eps : new float[] {0f, 1e-5f, 0.5f, 100f}) {
        String what = "batch norm training " + Arrays.toString(shape) + " eps " + eps;
        Tensor runMean = uniform(-1f, 1f, c);
        Tensor runVar = uniform(0.5f, 2f, c);
        Tensor expectedMean = copy(runMean);
        Tensor expectedVar = copy(runVar);
        Tensor y = zeros(n, c);
        Tensor yRef = zeros(n, c);
        Tensor inv = zeros(c);
        Tensor invRef = zeros(c);
        oracle().batchNormTrainingForward(x, gamma, beta, expectedMean, expectedVar, MOMENTUM,
            eps, yRef, null, invRef);
        kernels().batchNormTrainingForward(x, gamma, beta, runMean, runVar, MOMENTUM, eps, y,
            null, inv);
        assertClose(yRef, y, OUT_ABS, OUT_REL, what + ": y");
        assertClose(invRef, inv, SUM_ABS, SUM_REL, what + ": saveInvStd");
        assertClose(expectedMean, runMean, SUM_ABS, SUM_REL, what + ": runningMean");
        assertClose(expectedVar, runVar, SUM_ABS, SUM_REL, what + ": runningVar");
        if (eps > 0) {
          for (int r = 0; r < n; r++) {
            assertEquals(beta.getFlat(0), y.get(r, 0), 1e-6f, what + ": constant channel 0");
          }
        }
      }
      // a NaN and an infinity make their channels NaN and leave the others alone
      if (c >= 2) {
        x.set(Float.NaN, n - 1, c - 1);
        x.set(Float.POSITIVE_INFINITY, 0, 1);
        Tensor y = zeros(n, c);
        Tensor yRef = zeros(n, c);
        oracle().batchNormTrainingForward(x, gamma, beta, zeros(c), zeros(c), MOMENTUM, 1e-5f,
            yRef, null, null);
        kernels().batchNormTrainingForward(x, gamma, beta, zeros(c), zeros(c), MOMENTUM, 1e-5f,
            y, null, null);
        assertClose(yRef, y, OUT_ABS, OUT_REL,
            "batch norm training " + Arrays.toString(shape) + " with NaN and infinity");
        assertTrue(Float.isNaN(y.get(0, c - 1)) && Float.isNaN(y.get(n - 1, 1)));
      }
    }
  }

  @Test
  void normsAreStableForALargeMeanAndSmallSpread() {
    // The spread is ~300 float ulps of 1000, so even an exact mean rounded to float moves a
    // normalised value by up to ~1e-2; what must not happen is the float sum losing the mean.
    for (int[] shape : new int[][] {{4, 3, 5, 7}, {40, 3}}) {
      Tensor x = uniform(1000f, 1000.01f, shape);
      Tensor gamma = of(new float[] {1, 1, 1}, 3);
      Tensor y = zeros(shape);
      Tensor yRef = zeros(shape);
      oracle().batchNormTrainingForward(x, gamma, zeros(3), zeros(3), zeros(3), MOMENTUM, 0f, yRef,
          null, null);
      kernels().batchNormTrainingForward(x, gamma, zeros(3), zeros(3), zeros(3), MOMENTUM, 0f, y,
          null, null);
      assertClose(yRef, y, 2e-2, 0, "batch norm of values near 1000 " + Arrays.toString(shape));
    }
    Tensor x = uniform(1000f, 1000.01f, 3, 301);
    Tensor gamma = track(Tensor.zeros(301).fill(1f));
    Tensor y = zeros(3, 301);
    Tensor yRef = zeros(3, 301);
    oracle().layerNormForward(x, gamma, zeros(301), 0f, yRef, null, null);
    kernels().layerNormForward(x, gamma, zeros(301), 0f, y, null, null);
    assertClose(yRef, y, 2e-2, 0, "layer norm of values near 1000");
  }

  @Test
  void batchNormInferenceMatchesReference() {
    for (int[] shape : withRandomBatchShapes()) {
      int c = shape[1];
      String what = "batch norm inference " + Arrays.toString(shape);
      Tensor x = uniform(-2f, 4f, shape);
      Tensor gamma = uniform(0.5f, 1.5f, c);
      Tensor beta = uniform(-1f, 1f, c);
      Tensor runMean = uniform(-1f, 1f, c);
      Tensor runVar = uniform(0.5f, 2f, c);
      Tensor y = zeros(shape);
      Tensor yRef = zeros(shape);
      oracle().batchNormInference(x, gamma, beta, runMean, runVar, EPS, yRef);
      kernels().batchNormInference(x, gamma, beta, runMean, runVar, EPS, y);
      assertClose(yRef, y, OUT_ABS, OUT_REL, what);
    }
  }

  @Test
  void batchNormBackwardMatchesReference() {
    for (int[] shape : withRandomBatchShapes()) {
      int c = shape[1];
      String what = "batch norm backward " + Arrays.toString(shape);
      Tensor x = uniform(-2f, 4f, shape);
      Tensor dy = uniform(-1f, 1f, shape);
      Tensor gamma = uniform(0.5f, 1.5f, c);
      Tensor mean = zeros(c);
      Tensor inv = zeros(c);
      oracle().batchNormTrainingForward(x, gamma, zeros(c), zeros(c), zeros(c), MOMENTUM, EPS,
          zeros(shape), mean, inv);
      Tensor dx = zeros(shape);
      Tensor dxRef = zeros(shape);
      Tensor dg = zeros(c);
      Tensor dgRef = zeros(c);
      Tensor db = zeros(c);
      Tensor dbRef = zeros(c);
      oracle().batchNormBackward(dy, x, gamma, mean, inv, dxRef, dgRef, dbRef);
      kernels().batchNormBackward(dy, x, gamma, mean, inv, dx, dg, db);
      assertClose(dxRef, dx, OUT_ABS, OUT_REL, what + ": dx");
      long perChannel = (long) x.size() / c;
      double sumScale = Math.sqrt(perChannel);
      assertClose(dgRef, dg, SUM_ABS * sumScale, SUM_REL, what + ": dgamma");
      assertClose(dbRef, db, SUM_ABS * sumScale, SUM_REL, what + ": dbeta");
    }
  }

  @Test
  void batchNormTrainingGradientsMatchFiniteDifferences() {
    for (int[] shape : new int[][] {{5, 3}, {3, 2, 2, 3}, {2, 2, 17}}) {
      int c = shape[1];
      String what = "batch norm " + Arrays.toString(shape);
      Tensor x = uniform(-1f, 1f, shape);
      Tensor gamma = uniform(0.5f, 1.5f, c);
      Tensor beta = uniform(-1f, 1f, c);
      Tensor w = uniform(-1f, 1f, shape);
      Tensor y = zeros(shape);
      Tensor runMean = zeros(c);
      Tensor runVar = zeros(c);
      ToDoubleFunction<Tensor> loss = ignored -> {
        kernels().batchNormTrainingForward(x, gamma, beta, runMean, runVar, MOMENTUM, EPS, y, null,
            null);
        return GradientCheck.dot(y, w);
      };
      Tensor mean = zeros(c);
      Tensor inv = zeros(c);
      kernels().batchNormTrainingForward(x, gamma, beta, zeros(c), zeros(c), MOMENTUM, EPS, y, mean,
          inv);
      Tensor dx = zeros(shape);
      Tensor dg = zeros(c);
      Tensor db = zeros(c);
      kernels().batchNormBackward(w, x, gamma, mean, inv, dx, dg, db);
      GradientCheck.assertGradient(GradientCheck.numericalGradient(x, loss, GRAD_H), dx, GRAD_ABS,
          GRAD_REL, what + ": dx");
      GradientCheck.assertGradient(GradientCheck.numericalGradient(gamma, loss, GRAD_H), dg,
          GRAD_ABS, GRAD_REL, what + ": dgamma");
      GradientCheck.assertGradient(GradientCheck.numericalGradient(beta, loss, GRAD_H), db,
          GRAD_ABS, GRAD_REL, what + ": dbeta");
    }
  }

  @Test
  void batchNormInferenceWithTheRunningStatisticsOfOneBatchReproducesTraining() {
    int[] shape = {6, 4, 3, 5};
    int count = 6 * 3 * 5;
    Tensor x = uniform(-3f, 5f, shape);
    Tensor gamma = uniform(0.5f, 1.5f, 4);
    Tensor beta = uniform(-1f, 1f, 4);
    Tensor runMean = zeros(4);
    Tensor runVar = zeros(4);
    Tensor yTrain = zeros(shape);
    kernels().batchNormTrainingForward(x, gamma, beta, runMean, runVar, 1f, EPS, yTrain, null,
        null);
    // With momentum 1 the running statistics are the batch's, the variance unbiased; scaled back
    // to the biased variance, inference must reproduce the training output.
    float[] biased = runVar.toFloatArray();
    for (int c = 0; c < 4; c++) {
      biased[c] = biased[c] * (count - 1) / count;
    }
    Tensor yInfer = zeros(shape);
    kernels().batchNormInference(x, gamma, beta, runMean, of(biased, 4), EPS,
        yInfer);
    assertClose(yTrain, yInfer, 1e-4, 1e-4, "training output vs inference with batch statistics");
  }

  @Test
  void batchNormUpdatesRunningStatisticsWithTheUnbiasedVariance() {
    Tensor x = of(new float[] {1, 10, 3, 20}, 2, 2);
    Tensor gamma = of(new float[] {1, 1}, 2);
    Tensor runMean = of(new float[] {0.5f, -1f}, 2);
    Tensor runVar = of(new float[] {1f, 2f}, 2);
    Tensor save = zeros(2);
    Tensor inv = zeros(2);
    Tensor y = zeros(2, 2);
    kernels().batchNormTrainingForward(x, gamma, zeros(2), runMean, runVar, 0.25f, 0f, y, save,
        inv);
    // channel 0: values 1, 3: mean 2, biased var 1, unbiased 2; channel 1: 10, 20: mean 15,
    // biased 25, unbiased 50.
    assertClose(new float[] {0.75f * 0.5f + 0.25f * 2f, 0.75f * -1f + 0.25f * 15f},
        runMean.toFloatArray(), 1e-6, 1e-6, "running mean");
    assertClose(new float[] {0.75f + 0.25f * 2f, 0.75f * 2f + 0.25f * 50f},
        runVar.toFloatArray(), 1e-6, 1e-6, "running var");
    assertClose(new float[] {2f, 15f}, save.toFloatArray(), 1e-6, 1e-6, "saved mean");
    assertClose(new float[] {1f, 0.2f}, inv.toFloatArray(), 1e-6, 1e-6, "saved inverse std");
    assertClose(new float[] {-1f, -1f, 1f, 1f}, y.toFloatArray(), 1e-6, 1e-6, "y");
  }

  @Test
  void batchNormWorksInPlace() {
    int[] shape = {3, 4, 5, 5};
    Tensor x = uniform(-2f, 2f, shape);
    Tensor gamma = uniform(0.5f, 1.5f, 4);
    Tensor beta = uniform(-1f, 1f, 4);
    Tensor expected = zeros(shape);
    kernels().batchNormTrainingForward(x, gamma, beta, zeros(4), zeros(4), MOMENTUM, EPS, expected,
        null, null);
    Tensor inPlace = copy(x);
    kernels().batchNormTrainingForward(inPlace, gamma, beta, zeros(4), zeros(4), MOMENTUM, EPS,
        inPlace, null, null);
    assertClose(expected, inPlace, 0, 0, "y == x");
    Tensor dy = uniform(-1f, 1f, shape);
    Tensor mean = zeros(4);
    Tensor inv = zeros(4);
    kernels().batchNormTrainingForward(x, gamma, beta, zeros(4), zeros(4), MOMENTUM, EPS,
        zeros(shape), mean, inv);
    Tensor dx = zeros(shape);
    kernels().batchNormBackward(dy, x, gamma, mean, inv, dx, null, null);
    Tensor dyInPlace = copy(dy);
    kernels().batchNormBackward(dyInPlace, x, gamma, mean, inv, dyInPlace, null, null);
    assertClose(dx, dyInPlace, 0, 0, "dx == dy");
  }

  @Test
  void batchNormNaNStaysInItsChannel() {
    int[] shape = {3, 3, 4, 5};
    Tensor x = uniform(-1f, 1f, shape);
    x.set(Float.NaN, 1, 1, 2, 3);
    Tensor y = zeros(shape);
    Tensor gamma = of(new float[] {1, 1, 1}, 3);
    Tensor runMean = zeros(3);
    kernels().batchNormTrainingForward(x, gamma, zeros(3), runMean, zeros(3), MOMENTUM, EPS, y,
        null, null);
    for (int n = 0; n < 3; n++) {
      for (int i = 0; i < 20; i++) {
        assertTrue(Float.isNaN(y.get(n, 1, i / 5, i % 5)), "channel 1 is NaN");
        assertFalse(Float.isNaN(y.get(n, 0, i / 5, i % 5)), "channel 0 is finite");
        assertFalse(Float.isNaN(y.get(n, 2, i / 5, i % 5)), "channel 2 is finite");
      }
    }
    assertTrue(Float.isNaN(runMean.getFlat(1)));
    Tensor dense = uniform(-1f, 1f, 4, 3);
    dense.set(Float.POSITIVE_INFINITY, 2, 0);
    Tensor yDense = zeros(4, 3);
    kernels().batchNormTrainingForward(dense, gamma, zeros(3), zeros(3), zeros(3), MOMENTUM, EPS,
        yDense, null, null);
    for (int n = 0; n < 4; n++) {
      assertTrue(Float.isNaN(yDense.get(n, 0)), "an infinite value makes its channel NaN");
      assertFalse(Float.isNaN(yDense.get(n, 1)));
    }
  }

  @Test
  void batchNormRejectsBadArguments() {
    Tensor x = zeros(2, 3, 4);
    Tensor c3 = zeros(3);
    Tensor y = zeros(2, 3, 4);
    expectError(() -> kernels().batchNormTrainingForward(x, zeros(4), c3, c3, c3, MOMENTUM, EPS, y,
        null, null), "gamma: float32[4]", "[3]");
    expectError(() -> kernels().batchNormTrainingForward(x, c3, c3, c3, c3, MOMENTUM, EPS,
        zeros(2, 3, 5), null, null), "y: float32[2, 3, 5]", "[2, 3, 4]");
    expectError(() -> kernels().batchNormTrainingForward(x, c3, c3, c3, c3, 1.5f, EPS, y, null,
        null), "momentum: 1.5");
    expectError(() -> kernels().batchNormTrainingForward(x, c3, c3, c3, c3, MOMENTUM, -1f, y, null,
        null), "eps: -1.0");
    expectError(() -> kernels().batchNormTrainingForward(x, c3, c3, c3, c3, MOMENTUM, Float.NaN, y,
        null, null), "eps: NaN");
    expectError(() -> kernels().batchNormTrainingForward(zeros(1, 3), c3, c3, c3, c3, MOMENTUM, EPS,
        zeros(1, 3), null, null), "x: float32[1, 3]", "at least 2");
    expectError(() -> kernels().batchNormTrainingForward(zeros(3), c3, c3, c3, c3, MOMENTUM, EPS,
        zeros(3), null, null), "x: float32[3]", "rank >= 2");
    expectError(() -> kernels().batchNormTrainingForward(x, c3, c3, c3, c3, MOMENTUM, EPS, y,
        zeros(2), null), "saveMean: float32[2]");
    expectError(() -> kernels().batchNormInference(zeros(4, 2, 3).transpose(0, 2), zeros(2),
        zeros(2), zeros(2), zeros(2), EPS, zeros(3, 2, 4)), "x: float32[3, 2, 4] (strided view)",
        "contiguous()");
    expectError(() -> kernels().batchNormInference(track(Tensor.allocate(DType.INT32, 2, 3)), c3,
        c3, c3, c3, EPS, zeros(2, 3)), "x: int32[2, 3]", "float32");
    expectError(() -> kernels().batchNormBackward(zeros(2, 3, 5), x, c3, c3, c3, y, null, null),
        "dy: float32[2, 3, 5]");
    expectError(() -> kernels().batchNormBackward(y, x, c3, c3, c3, y, zeros(1), null),
        "dgamma: float32[1]");
    expectError(() -> kernels().batchNormBackward(y, x, c3, null, c3, y, null, null),
        "saveMean: null");
  }

  // ---------------------------------------------------------------- layer norm

  @Test
  void layerNormMatchesReference() {
    for (int width : RandomTensors.AWKWARD_LENGTHS) {
      int rows = width > 10_000 ? 2 : 5;
      layerNormCase(new int[] {rows, width}, new int[] {width});
    }
    layerNormCase(new int[] {2, 3, 5, 7}, new int[] {5, 7});
    layerNormCase(new int[] {4, 3}, new int[] {4, 3});
    layerNormCase(new int[] {9}, new int[] {9});
    layerNormCase(new int[] {300, 3, 129}, new int[] {129});
  }

  private void layerNormCase(int[] shape, int[] normalized) {
    String what = "layer norm " + Arrays.toString(shape);
    int rows = product(shape) / product(normalized);
    Tensor x = uniform(-1f, 3f, shape);
    Tensor gamma = uniform(0.5f, 1.5f, normalized);
    Tensor beta = uniform(-1f, 1f, normalized);
    Tensor y = zeros(shape);
    Tensor yRef = zeros(shape);
    Tensor mean = zeros(rows);
    Tensor meanRef = zeros(rows);
    Tensor rstd = zeros(rows);
    Tensor rstdRef = zeros(rows);
    oracle().layerNormForward(x, gamma, beta, EPS, yRef, meanRef, rstdRef);
    kernels().layerNormForward(x, gamma, beta, EPS, y, mean, rstd);
    assertClose(yRef, y, OUT_ABS, OUT_REL, what + ": y");
    assertClose(meanRef, mean, SUM_ABS, SUM_REL, what + ": mean");
    assertClose(rstdRef, rstd, SUM_ABS, SUM_REL, what + ": rstd");

    Tensor dy = uniform(-1f, 1f, shape);
    Tensor dx = zeros(shape);
    Tensor dxRef = zeros(shape);
    Tensor dg = zeros(normalized);
    Tensor dgRef = zeros(normalized);
    Tensor db = zeros(normalized);
    Tensor dbRef = zeros(normalized);
    oracle().layerNormBackward(dy, x, gamma, meanRef, rstdRef, dxRef, dgRef, dbRef);
    kernels().layerNormBackward(dy, x, gamma, meanRef, rstdRef, dx, dg, db);
    assertClose(dxRef, dx, OUT_ABS, OUT_REL, what + ": dx");
    double sumScale = Math.sqrt(rows);
    assertClose(dgRef, dg, SUM_ABS * sumScale, SUM_REL, what + ": dgamma");
    assertClose(dbRef, db, SUM_ABS * sumScale, SUM_REL, what + ": dbeta");
  }

  /**
   * Rows of up to 4096 (in the SIMD kernel) take the variance from the mean's pass unless that
   * would cancel: rows around a vector's length and around 4096 whose first element is typical,
   * an outlier (the one-pass variance would cancel), values whose squares overflow float from
   * the first element but not from the mean, and a large mean with a small spread.
   */
  @Test
  void layerNormOfRowsMatchesReferenceWhateverThePivot() {
    for (int width : new int[] {1, 2, 15, 16, 17, 63, 64, 65, 255, 256, 257, 1000, 4095, 4096,
        4097}) {
      for (int kind = 0; kind < 4; kind++) {
        float[] values = uniform(-1f, 3f, 3, width).toFloatArray();
        for (int r = 0; r < 3; r++) {
          int first = r * width;
          switch (kind) {
            case 1 -> values[first] = 500f;
            case 2 -> {
              // Squares of deviations from the mean sum to ~2.5e38, from the first element to
              // twice that, past the float maximum.
              float a = (float) Math.sqrt(2.5e38 / width);
              for (int j = 0; j < width; j++) {
                values[first + j] = (j % 2 == 0 ? -a : a) * (1 + (j % 16) * 1e-4f);
              }
            }
            case 3 -> {
              for (int j = 0; j < width; j++) {
                values[first + j] = 1000f + values[first + j] * 1e-2f;
              }
            }
            default -> { }
          }
        }
        Tensor x = of(values, 3, width);
        Tensor gamma = uniform(0.5f, 1.5f, width);
        Tensor beta = uniform(-1f, 1f, width);
        Tensor y = zeros(3, width);
        Tensor yRef = zeros(3, width);
        Tensor rstd = zeros(3);
        Tensor rstdRef = zeros(3);
        oracle().layerNormForward(x, gamma, beta, EPS, yRef, null, rstdRef);
        kernels().layerNormForward(x, gamma, beta, EPS, y, null, rstd);
        String what = "layer norm of 3 rows of " + width + ", case " + kind;
        // Near 1000 the inputs carry ~6e-5 of rounding each, amplified by the rstd of ~300.
        double abs = kind == 3 ? 2e-2 : OUT_ABS;
        assertClose(yRef, y, abs, OUT_REL, what + ": y");
        assertClose(rstdRef, rstd, 0, kind == 3 ? 1e-3 : SUM_REL, what + ": rstd");
      }
    }
  }

  @Test
  void layerNormGradientsMatchFiniteDifferences() {
    int[] shape = {3, 7};
    Tensor x = uniform(-1f, 1f, shape);
    Tensor gamma = uniform(0.5f, 1.5f, 7);
    Tensor beta = uniform(-1f, 1f, 7);
    Tensor w = uniform(-1f, 1f, shape);
    Tensor y = zeros(shape);
    ToDoubleFunction<Tensor> loss = ignored -> {
      kernels().layerNormForward(x, gamma, beta, EPS, y, null, null);
      return GradientCheck.dot(y, w);
    };
    Tensor mean = zeros(3);
    Tensor rstd = zeros(3);
    kernels().layerNormForward(x, gamma, beta, EPS, y, mean, rstd);
    Tensor dx = zeros(shape);
    Tensor dg = zeros(7);
    Tensor db = zeros(7);
    kernels().layerNormBackward(w, x, gamma, mean, rstd, dx, dg, db);
    GradientCheck.assertGradient(GradientCheck.numericalGradient(x, loss, GRAD_H), dx, GRAD_ABS,
        GRAD_REL, "layer norm dx");
    GradientCheck.assertGradient(GradientCheck.numericalGradient(gamma, loss, GRAD_H), dg, GRAD_ABS,
        GRAD_REL, "layer norm dgamma");
    GradientCheck.assertGradient(GradientCheck.numericalGradient(beta, loss, GRAD_H), db, GRAD_ABS,
        GRAD_REL, "layer norm dbeta");
  }

  @Test
  void layerNormOfAKnownRow() {
    Tensor x = of(new float[] {1, 2, 3, 4, -5, -5, -5, -5}, 2, 4);
    Tensor gamma = of(new float[] {1, 2, 1, 1}, 4);
    Tensor beta = of(new float[] {0, 0, 0, 10}, 4);
    Tensor y = zeros(2, 4);
    Tensor mean = zeros(2);
    Tensor rstd = zeros(2);
    kernels().layerNormForward(x, gamma, beta, 0f, y, mean, rstd);
    // row 0: mean 2.5, variance 1.25; row 1 is constant: variance 0, so with eps 0 the rstd is
    // infinite and 0 * inf is NaN, as in PyTorch.
    double s = 1 / Math.sqrt(1.25);
    assertClose(new float[] {(float) (-1.5 * s), (float) (-1 * s), (float) (0.5 * s),
        (float) (1.5 * s + 10)}, Arrays.copyOf(y.toFloatArray(), 4), 1e-6, 1e-6, "row 0");
    assertEquals(2.5f, mean.getFlat(0), 1e-6);
    assertEquals(-5f, mean.getFlat(1));
    assertEquals(Float.POSITIVE_INFINITY, rstd.getFlat(1));
    assertTrue(Float.isNaN(y.getFlat(4)));
  }

  @Test
  void layerNormNaNStaysInItsRow() {
    Tensor x = uniform(-1f, 1f, 3, 37);
    x.set(Float.NaN, 1, 20);
    Tensor y = zeros(3, 37);
    kernels().layerNormForward(x, uniform(0.5f, 1f, 37), zeros(37), EPS, y, null, null);
    for (int j = 0; j < 37; j++) {
      assertTrue(Float.isNaN(y.get(1, j)));
      assertFalse(Float.isNaN(y.get(0, j)));
      assertFalse(Float.isNaN(y.get(2, j)));
    }
  }

  @Test
  void layerNormAndRmsNormWorkInPlace() {
    Tensor x = uniform(-2f, 2f, 7, 45);
    Tensor gamma = uniform(0.5f, 1.5f, 45);
    Tensor beta = uniform(-1f, 1f, 45);
    Tensor expected = zeros(7, 45);
    kernels().layerNormForward(x, gamma, beta, EPS, expected, null, null);
    Tensor inPlace = of(x.toFloatArray(), 7, 45);
    kernels().layerNormForward(inPlace, gamma, beta, EPS, inPlace, null, null);
    assertClose(expected, inPlace, 0, 0, "layer norm y == x");
    kernels().rmsNormForward(x, gamma, EPS, expected, null);
    inPlace.copyFrom(x.toFloatArray());
    kernels().rmsNormForward(inPlace, gamma, EPS, inPlace, null);
    assertClose(expected, inPlace, 0, 0, "rms norm y == x");
  }

  @Test
  void layerNormRejectsBadArguments() {
    Tensor x = zeros(2, 5);
    Tensor g = zeros(5);
    expectError(() -> kernels().layerNormForward(x, zeros(4), g, EPS, zeros(2, 5), null, null),
        "gamma: float32[4]", "trailing dimensions of x: float32[2, 5]");
    expectError(() -> kernels().layerNormForward(x, g, zeros(6), EPS, zeros(2, 5), null, null),
        "beta: float32[6]");
    expectError(() -> kernels().layerNormForward(x, g, g, EPS, zeros(2, 5), zeros(5), null),
        "saveMean: float32[5]", "[2]");
    expectError(() -> kernels().layerNormForward(x, g, g, -EPS, zeros(2, 5), null, null), "eps");
    expectError(() -> kernels().layerNormBackward(x, x, g, zeros(2), zeros(2), zeros(5, 2), null,
        null), "dx: float32[5, 2]");
    expectError(() -> kernels().layerNormForward(x, zeros(0), zeros(0), EPS, zeros(2, 5), null,
        null), "gamma: float32[0]");
  }

  // ---------------------------------------------------------------- RMS norm

  @Test
  void rmsNormMatchesReference() {
    for (int width : RandomTensors.AWKWARD_LENGTHS) {
      int rows = width > 10_000 ? 2 : 5;
      rmsNormCase(new int[] {rows, width}, new int[] {width});
    }
    rmsNormCase(new int[] {3, 2, 9}, new int[] {2, 9});
    rmsNormCase(new int[] {500, 131}, new int[] {131});
  }

  private void rmsNormCase(int[] shape, int[] normalized) {
    String what = "rms norm " + Arrays.toString(shape);
    int rows = product(shape) / product(normalized);
    Tensor x = uniform(-2f, 2f, shape);
    Tensor gamma = uniform(0.5f, 1.5f, normalized);
    Tensor y = zeros(shape);
    Tensor yRef = zeros(shape);
    Tensor rrms = zeros(rows);
    Tensor rrmsRef = zeros(rows);
    oracle().rmsNormForward(x, gamma, EPS, yRef, rrmsRef);
    kernels().rmsNormForward(x, gamma, EPS, y, rrms);
    assertClose(yRef, y, OUT_ABS, OUT_REL, what + ": y");
    assertClose(rrmsRef, rrms, SUM_ABS, SUM_REL, what + ": rrms");
    Tensor dy = uniform(-1f, 1f, shape);
    Tensor dx = zeros(shape);
    Tensor dxRef = zeros(shape);
    Tensor dg = zeros(normalized);
    Tensor dgRef = zeros(normalized);
    oracle().rmsNormBackward(dy, x, gamma, rrmsRef, dxRef, dgRef);
    kernels().rmsNormBackward(dy, x, gamma, rrmsRef, dx, dg);
    assertClose(dxRef, dx, OUT_ABS, OUT_REL, what + ": dx");
    assertClose(dgRef, dg, SUM_ABS * Math.sqrt(rows), SUM_REL, what + ": dgamma");
  }

  @Test
  void rmsNormGradientsMatchFiniteDifferences() {
    int[] shape = {4, 9};
    Tensor x = uniform(-1f, 1f, shape);
    Tensor gamma = uniform(0.5f, 1.5f, 9);
    Tensor w = uniform(-1f, 1f, shape);
    Tensor y = zeros(shape);
    ToDoubleFunction<Tensor> loss = ignored -> {
      kernels().rmsNormForward(x, gamma, EPS, y, null);
      return GradientCheck.dot(y, w);
    };
    Tensor rrms = zeros(4);
    kernels().rmsNormForward(x, gamma, EPS, y, rrms);
    Tensor dx = zeros(shape);
    Tensor dg = zeros(9);
    kernels().rmsNormBackward(w, x, gamma, rrms, dx, dg);
    GradientCheck.assertGradient(GradientCheck.numericalGradient(x, loss, GRAD_H), dx, GRAD_ABS,
        GRAD_REL, "rms norm dx");
    GradientCheck.assertGradient(GradientCheck.numericalGradient(gamma, loss, GRAD_H), dg, GRAD_ABS,
        GRAD_REL, "rms norm dgamma");
  }

  @Test
  void rmsNormOfAKnownRow() {
    Tensor x = of(new float[] {3, -4, 0, 0}, 1, 4);
    Tensor gamma = of(new float[] {1, 1, 2, 0.5f}, 4);
    Tensor y = zeros(1, 4);
    Tensor rrms = zeros(1);
    kernels().rmsNormForward(x, gamma, 0f, y, rrms);
    // mean square (9 + 16) / 4 = 6.25, rms 2.5
    assertClose(new float[] {1.2f, -1.6f, 0f, 0f}, y.toFloatArray(), 1e-6, 1e-6, "y");
    assertEquals(0.4f, rrms.getFlat(0), 1e-7);
    Tensor nan = of(new float[] {1, Float.NaN, 2}, 3);
    Tensor yNan = zeros(3);
    kernels().rmsNormForward(nan, of(new float[] {1, 1, 1}, 3), EPS, yNan, null);
    for (float v : yNan.toFloatArray()) {
      assertTrue(Float.isNaN(v), "NaN spreads over its row");
    }
  }

  @Test
  void rmsNormRejectsBadArguments() {
    Tensor x = zeros(2, 5);
    expectError(() -> kernels().rmsNormForward(x, zeros(2), EPS, zeros(2, 5), null),
        "gamma: float32[2]");
    expectError(() -> kernels().rmsNormForward(x, zeros(5), EPS, zeros(2, 5), zeros(3)),
        "saveRrms: float32[3]", "[2]");
    expectError(() -> kernels().rmsNormBackward(x, x, zeros(5), zeros(2), zeros(2, 5), zeros(4)),
        "dgamma: float32[4]", "[5]");
    expectError(() -> kernels().rmsNormForward(x, zeros(5), Float.POSITIVE_INFINITY, x, null),
        "eps: Infinity");
  }

  // ---------------------------------------------------------------- helpers

  private List<int[]> withRandomBatchShapes() {
    List<int[]> shapes = new ArrayList<>(Arrays.asList(BATCH_SHAPES));
    for (int i = 0; i < 4; i++) {
      shapes.add(dims(random.between(2, 6), random.between(1, 9), random.between(1, 11),
          random.between(1, 11)));
    }
    return shapes;
  }
}
