package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.DropoutKernels;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import org.junit.jupiter.api.Test;

/**
 * Dropout of {@link #candidate()} against the reference. The mask is a pure function of (seed,
 * offset, index) and kept elements are multiplied by the same float factor, so outputs and masks
 * must match bit for bit: no tolerance.
 */
public abstract class DropoutConformance extends KernelConformanceTest {

  /** Statistical checks accept deviations up to this many binomial standard deviations. */
  private static final double SIGMAS = 6;
  private static final float[] PROBABILITIES = {0f, 0.1f, 0.5f, 0.9f, 1f};
  private static final long[][] SEEDS_AND_OFFSETS = {
      {0, 0}, {42, 7}, {-1, Long.MAX_VALUE}, {0x1234_5678_9abc_def0L, 0x1_0000_0003L}};

  private DropoutKernels kernels() {
    return candidate().dropout();
  }

  private DropoutKernels oracle() {
    return reference().dropout();
  }

  @Test
  void forwardMatchesTheReferenceBitForBit() {
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      Tensor x = uniform(n);
      for (long[] so : SEEDS_AND_OFFSETS) {
        float p = PROBABILITIES[(int) Math.floorMod(so[0] + n, PROBABILITIES.length)];
        checkForward(x, p, so[0], so[1]);
      }
    }
    Tensor cube = uniform(3, 17, 29);
    checkForward(cube, 0.3f, 99, 5);
  }

  @Test
  void keepRateIsWithinTheBinomialSpread() {
    int n = 200_003;
    Tensor x = uniform(0.5f, 1f, n);
    Tensor y = zeros(n);
    Tensor mask = track(Tensor.allocate(DType.INT8, n));
    for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
      kernels().forward(x, p, 1234, 0, y, mask);
      byte[] m = mask.toByteArray();
      float[] in = x.toFloatArray();
      float[] out = y.toFloatArray();
      float scale = DropoutKernels.keepScale(p);
      int kept = 0;
      for (int i = 0; i < n; i++) {
        kept += m[i];
        float expected = m[i] == 1 ? in[i] * scale : 0f;
        if (out[i] != expected) {
          assertEquals(expected, out[i], "element " + i + " at p=" + p);
        }
      }
      double mean = n * (1.0 - p);
      double sigma = Math.sqrt(n * p * (1.0 - p));
      assertTrue(Math.abs(kept - mean) <= SIGMAS * sigma,
          "kept " + kept + " of " + n + " at p=" + p + " (expected " + mean + " +- "
              + SIGMAS * sigma + ")");
    }
  }

  @Test
  void differentOffsetsDrawIndependentMasks() {
    int n = 100_000;
    float p = 0.5f;
    Tensor x = uniform(n);
    Tensor y = zeros(n);
    Tensor a = track(Tensor.allocate(DType.INT8, n));
    Tensor b = track(Tensor.allocate(DType.INT8, n));
    kernels().forward(x, p, 77, 0, y, a);
    kernels().forward(x, p, 77, 1, y, b);
    byte[] ma = a.toByteArray();
    byte[] mb = b.toByteArray();
    int bothDropped = 0;
    for (int i = 0; i < n; i++) {
      bothDropped += ma[i] == 0 && mb[i] == 0 ? 1 : 0;
    }
    double q = (double) p * p;
    double sigma = Math.sqrt(n * q * (1 - q));
    assertTrue(Math.abs(bothDropped - n * q) <= SIGMAS * sigma,
        bothDropped + " elements dropped under both offsets (expected " + n * q + ")");
  }

  @Test
  void theSameSeedGivesTheSameMaskAtEveryThreadCount() {
    int n = 300_007;
    Tensor x = uniform(n);
    Tensor first = zeros(n);
    Tensor firstMask = track(Tensor.allocate(DType.INT8, n));
    int original = KernelPool.shared().parallelism();
    try {
      KernelPool.setParallelism(1);
      kernels().forward(x, 0.25f, 5, 3, first, firstMask);
      for (int threads : new int[] {2, 3, 4}) {
        KernelPool.setParallelism(threads);
        Tensor y = zeros(n);
        Tensor mask = track(Tensor.allocate(DType.INT8, n));
        kernels().forward(x, 0.25f, 5, 3, y, mask);
        assertEquals(-1, first.data().mismatch(y.data()), threads + " threads: y");
        assertEquals(-1, firstMask.data().mismatch(mask.data()), threads + " threads: mask");
      }
    } finally {
      KernelPool.setParallelism(original);
    }
    Tensor other = track(Tensor.allocate(DType.INT8, n));
    kernels().forward(x, 0.25f, 6, 3, zeros(n), other);
    assertNotEquals(-1, firstMask.data().mismatch(other.data()), "another seed, another mask");
  }

  @Test
  void probabilityZeroIsTheIdentityAndOneDropsEverything() {
    float[] values = random.uniformArray(1000, -3, 3);
    values[10] = Float.NaN;
    values[11] = Float.POSITIVE_INFINITY;
    Tensor x = of(values, 1000);
    Tensor y = zeros(1000);
    Tensor mask = track(Tensor.allocate(DType.INT8, 1000));
    kernels().forward(x, 0f, 9, 9, y, mask);
    assertEquals(-1, x.data().mismatch(y.data()), "p = 0 copies x");
    for (byte b : mask.toByteArray()) {
      assertEquals(1, b);
    }
    kernels().forward(x, 1f, 9, 9, y, mask);
    float[] out = y.toFloatArray();
    for (int i = 0; i < out.length; i++) {
      if (i == 10 || i == 11) {
        assertTrue(Float.isNaN(out[i]), "a dropped NaN or infinity is NaN, element " + i);
      } else {
        assertEquals(0f, Math.abs(out[i]), "element " + i);
      }
    }
    for (byte b : mask.toByteArray()) {
      assertEquals(0, b);
    }
  }

  @Test
  void nanAndInfinityPropagate() {
    float[] values = random.uniformArray(4099, -1, 1);
    for (int i = 0; i < values.length; i += 37) {
      values[i] = i % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
    }
    Tensor x = of(values, values.length);
    Tensor expected = zeros(values.length);
    Tensor actual = zeros(values.length);
    oracle().forward(x, 0.5f, 3, 4, expected, null);
    kernels().forward(x, 0.5f, 3, 4, actual, null);
    TensorAssertions.assertClose(expected, actual, 0, 0, "dropout of NaN and infinity");
    assertTrue(Float.isNaN(actual.getFlat(0)), "NaN stays NaN, kept or dropped");
  }

  @Test
  void backwardFromTheMaskOrTheSeedMatchesTheReference() {
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      Tensor x = uniform(n);
      Tensor dy = uniform(n);
      Tensor y = zeros(n);
      Tensor mask = track(Tensor.allocate(DType.INT8, n));
      float p = 0.3f;
      oracle().forward(x, p, 11, 12, y, mask);
      Tensor expected = zeros(n);
      oracle().backward(dy, mask, p, expected);
      Tensor fromMask = zeros(n);
      kernels().backward(dy, mask, p, fromMask);
      assertEquals(-1, expected.data().mismatch(fromMask.data()), "from the mask, n=" + n);
      Tensor fromSeed = zeros(n);
      kernels().backward(dy, 11, 12, p, fromSeed);
      assertEquals(-1, expected.data().mismatch(fromSeed.data()), "from the seed, n=" + n);
    }
  }

  @Test
  void backwardTreatsAnyNonzeroMaskByteAsKept() {
    Tensor dy = of(new float[] {1, 2, 3, 4, 5}, 5);
    Tensor mask = track(Tensor.ofBytes(new byte[] {0, 1, -1, 7, 0}, 5));
    Tensor dx = zeros(5);
    kernels().backward(dy, mask, 0.5f, dx);
    TensorAssertions.assertClose(new float[] {0, 4, 6, 8, 0}, dx.toFloatArray(), 0, 0,
        "dx with mask bytes 0, 1, -1, 7, 0");
  }

  @Test
  void inPlaceForwardEqualsOutOfPlace() {
    Tensor x = uniform(5000);
    Tensor y = zeros(5000);
    kernels().forward(x, 0.4f, 8, 8, y, null);
    kernels().forward(x, 0.4f, 8, 8, x, null);
    assertEquals(-1, x.data().mismatch(y.data()));
  }

  @Test
  void backwardMatchesFiniteDifferences() {
    Tensor x = uniform(2, 37);
    Tensor w = uniform(2, 37);
    Tensor y = zeros(2, 37);
    Tensor mask = track(Tensor.allocate(DType.INT8, 2, 37));
    double[] numerical = GradientCheck.numericalGradient(x, t -> {
      kernels().forward(t, 0.3f, 21, 2, y, mask);
      return GradientCheck.dot(y, w);
    }, 1e-2);
    Tensor dx = zeros(2, 37);
    kernels().backward(w, mask, 0.3f, dx);
    GradientCheck.assertGradient(numerical, dx, 2e-3, 1e-3, "dropout backward from the mask");
    kernels().backward(w, 21, 2, 0.3f, dx);
    GradientCheck.assertGradient(numerical, dx, 2e-3, 1e-3, "dropout backward from the seed");
  }

  @Test
  void invalidArgumentsAreRejectedWithTheParameterName() {
    Tensor x = uniform(4, 5);
    Tensor y = zeros(4, 5);
    Tensor mask = track(Tensor.allocate(DType.INT8, 4, 5));
    for (float p : new float[] {-0.1f, 1.5f, Float.NaN}) {
      expectError("p: ", () -> kernels().forward(x, p, 0, 0, y, null));
      expectError("p: ", () -> kernels().backward(x, mask, p, y));
    }
    expectError("y", () -> kernels().forward(x, 0.5f, 0, 0, zeros(5, 4), null));
    expectError("mask", () -> kernels().forward(x, 0.5f, 0, 0, y,
        track(Tensor.allocate(DType.INT32, 4, 5))));
    expectError("x", () -> kernels().forward(zeros(5, 4).transpose(0, 1), 0.5f, 0,
        0, y, null));
    expectError("x", () -> kernels().forward(track(Tensor.allocate(DType.INT32, 4, 5)), 0.5f, 0,
        0, y, null));
    Tensor wide = uniform(40);
    expectError("overlap", () -> kernels().forward(wide.slice(0, 0, 20), 0.5f, 0, 0,
        wide.slice(0, 10, 30), null));
    expectError("dx", () -> kernels().backward(x, mask, 0.5f, zeros(20)));
    expectError("mask", () -> kernels().backward(x, track(Tensor.allocate(DType.INT8, 20)), 0.5f,
        y));
    expectError("dx", () -> kernels().backward(x, 1, 2, 0.5f, zeros(3)));
  }

  private void checkForward(Tensor x, float p, long seed, long offset) {
    Tensor expected = zeros(x.shape());
    Tensor expectedMask = track(Tensor.allocate(DType.INT8, x.shape()));
    Tensor actual = zeros(x.shape());
    Tensor actualMask = track(Tensor.allocate(DType.INT8, x.shape()));
    oracle().forward(x, p, seed, offset, expected, expectedMask);
    kernels().forward(x, p, seed, offset, actual, actualMask);
    String what = "dropout p=" + p + " seed=" + seed + " offset=" + offset + " of " + x.describe();
    assertEquals(-1, expectedMask.data().mismatch(actualMask.data()), what + ": mask");
    assertEquals(-1, expected.data().mismatch(actual.data()), what + ": y");
    Tensor withoutMask = zeros(x.shape());
    kernels().forward(x, p, seed, offset, withoutMask, null);
    assertEquals(-1, expected.data().mismatch(withoutMask.data()), what + ": y without a mask");
  }

  private static void expectError(String mentioned, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(mentioned),
        "message should mention '" + mentioned + "': " + e.getMessage());
  }
}
