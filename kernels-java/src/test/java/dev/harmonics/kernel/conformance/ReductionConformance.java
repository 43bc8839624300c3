package dev.harmonics.kernel.conformance;

import static dev.harmonics.kernel.conformance.PointwiseFixtures.ofIn;
import static dev.harmonics.kernel.conformance.PointwiseFixtures.uniformIn;
import static dev.harmonics.kernel.conformance.PointwiseFixtures.zerosIn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.harmonics.kernel.ReductionKernels;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reductions of {@link #candidate()} against the reference: sum, mean and max over single axes,
 * several axes, all axes and none, on awkward lengths and random shapes, both output shapes;
 * their backward; ties, NaN and infinities, empty slices; finite-difference gradients; and
 * argument validation.
 */
public abstract class ReductionConformance extends KernelConformanceTest {

  /**
   * Sums are compared relative to the sum of magnitudes of their terms: the SIMD backend adds in
   * float within blocks (of 1024 elements along a row, or 256 rows) and the reference in double,
   * which can differ by about 256 * 2^-24 = 1.5e-5 of that in the worst case.
   */
  private static final double REL_SUM = 2e-5;
  private static final double GRADIENT_ABS = 1e-3;
  private static final double GRADIENT_REL = 1e-3;

  private ReductionKernels kernels() {
    return candidate().reductions();
  }

  private ReductionKernels oracle() {
    return reference().reductions();
  }

  /** A shape and the axes to reduce. */
  private record Case(int[] shape, int[] axes) {
    @Override
    public String toString() {
      return Arrays.toString(shape) + " over " + Arrays.toString(axes);
    }
  }

  private static List<Case> cases(RandomTensors random) {
    List<Case> cases = new ArrayList<>();
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      cases.add(new Case(new int[] {n}, new int[] {0}));
    }
    cases.add(new Case(new int[0], new int[0]));
    cases.add(new Case(new int[] {3, 4}, new int[0]));
    cases.add(new Case(new int[] {64, 4099}, new int[] {0}));
    cases.add(new Case(new int[] {64, 4099}, new int[] {1}));
    cases.add(new Case(new int[] {64, 4099}, new int[] {-1, 0}));
    cases.add(new Case(new int[] {1, 200_003}, new int[] {1}));
    cases.add(new Case(new int[] {3, 70_001}, new int[] {-1}));
    cases.add(new Case(new int[] {2000, 7}, new int[] {0}));
    cases.add(new Case(new int[] {2, 3, 40, 41}, new int[] {0, 2, 3}));
    cases.add(new Case(new int[] {2, 3, 40, 41}, new int[] {2, 3}));
    cases.add(new Case(new int[] {5, 6, 7}, new int[] {1}));
    cases.add(new Case(new int[] {5, 1, 7}, new int[] {1, 2}));
    cases.add(new Case(new int[] {3, 2, 5, 2}, new int[] {0, 2}));
    for (int i = 0; i < 30; i++) {
      int[] shape = PointwiseFixtures.randomShape(random, random.between(1, 4), 9);
      List<Integer> axes = new ArrayList<>();
      for (int d = 0; d < shape.length; d++) {
        if (random.nextBoolean()) {
          axes.add(random.nextBoolean() ? d : d - shape.length);
        }
      }
      cases.add(new Case(shape, axes.stream().mapToInt(Integer::intValue).toArray()));
    }
    return cases;
  }

  @Test
  void forwardAndBackwardMatchTheReference() {
    RandomTensors random = new RandomTensors(SEED + 21);
    for (Case c : cases(random)) {
      for (boolean keepDims : new boolean[] {true, false}) {
        try (Arena arena = Arena.ofShared()) {
          checkCase(arena, random, c, keepDims);
        }
      }
    }
  }

  private void checkCase(Arena arena, RandomTensors random, Case c, boolean keepDims) {
    int[] outShape = ReductionKernels.reducedShape(c.shape(), keepDims, c.axes());
    String what = c + (keepDims ? " keepdims" : "");
    Tensor x = uniformIn(arena, random, -2f, 2f, c.shape());
    Tensor magnitude = zerosIn(arena, outShape);
    Tensor abs = ofIn(arena, absolute(x.toFloatArray()), c.shape());
    oracle().sum(abs, magnitude, c.axes());
    int count = x.size() / Math.max(1, outShapeSize(outShape));

    Tensor expected = zerosIn(arena, outShape);
    Tensor actual = zerosIn(arena, outShape);
    oracle().sum(x, expected, c.axes());
    kernels().sum(x, actual, c.axes());
    assertSums(expected, actual, magnitude, 1, what + " sum");
    oracle().mean(x, expected, c.axes());
    kernels().mean(x, actual, c.axes());
    assertSums(expected, actual, magnitude, count, what + " mean");
    oracle().max(x, expected, c.axes());
    kernels().max(x, actual, c.axes());
    TensorAssertions.assertClose(expected, actual, 0, 0, what + " max");

    Tensor dy = uniformIn(arena, random, -1f, 1f, outShape);
    Tensor expectedDx = zerosIn(arena, c.shape());
    Tensor actualDx = zerosIn(arena, c.shape());
    oracle().sumBackward(dy, expectedDx, c.axes());
    kernels().sumBackward(dy, actualDx, c.axes());
    TensorAssertions.assertClose(expectedDx, actualDx, 0, 0, what + " sum backward");
    oracle().meanBackward(dy, expectedDx, c.axes());
    kernels().meanBackward(dy, actualDx, c.axes());
    TensorAssertions.assertClose(expectedDx, actualDx, 0, 0, what + " mean backward");
    oracle().maxBackward(x, expected, dy, expectedDx, c.axes());
    kernels().maxBackward(x, expected, dy, actualDx, c.axes());
    TensorAssertions.assertClose(expectedDx, actualDx, 0, 0, what + " max backward");
  }

  private static int outShapeSize(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  private static float[] absolute(float[] values) {
    float[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.abs(out[i]);
    }
    return out;
  }

  private static void assertSums(Tensor expected, Tensor actual, Tensor magnitude, int count,
      String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    float[] m = magnitude.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      double tolerance = REL_SUM * m[i] / count + 1e-30;
      if (!(Math.abs(e[i] - a[i]) <= tolerance)) {
        fail(what + ": element " + i + " is " + a[i] + " (expected " + e[i] + ", tolerance "
            + tolerance + ")");
      }
    }
  }

  @Test
  void tiesSendTheGradientToTheFirstMaximum() {
    try (Arena arena = Arena.ofShared()) {
      // rows: [1, 3, 3, 2] and [5, 5, 5, 5]; columns of the 4 x 2 transpose likewise
      Tensor x = ofIn(arena, new float[] {1, 3, 3, 2, 5, 5, 5, 5}, 2, 4);
      Tensor y = zerosIn(arena, 2);
      kernels().max(x, y, 1);
      assertArrayEquals(new float[] {3, 5}, y.toFloatArray());
      Tensor dx = zerosIn(arena, 2, 4);
      kernels().maxBackward(x, y, ofIn(arena, new float[] {10, 20}, 2), dx, 1);
      assertArrayEquals(new float[] {0, 10, 0, 0, 20, 0, 0, 0}, dx.toFloatArray());

      Tensor columns = ofIn(arena, new float[] {1, 5, 3, 5, 3, 5, 2, 5}, 4, 2);
      kernels().max(columns, y, 0);
      Tensor dColumns = zerosIn(arena, 4, 2);
      kernels().maxBackward(columns, y, ofIn(arena, new float[] {10, 20}, 2), dColumns, 0);
      assertArrayEquals(new float[] {0, 20, 10, 0, 0, 0, 0, 0}, dColumns.toFloatArray());
    }
  }

  @Test
  void nanAndInfinityPropagate() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    try (Arena arena = Arena.ofShared()) {
      for (int n : new int[] {5, 37, 4099}) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          float[] values = new float[n];
          Arrays.fill(values, 1f);
          values[at] = nan;
          Tensor x = ofIn(arena, values, 1, n);
          Tensor out = zerosIn(arena, 1);
          kernels().sum(x, out, 1);
          assertTrue(Float.isNaN(out.getFlat(0)), "sum with NaN at " + at + " of " + n);
          kernels().max(x, out, 1);
          assertTrue(Float.isNaN(out.getFlat(0)), "max with NaN at " + at + " of " + n);
          Tensor dx = zerosIn(arena, 1, n);
          kernels().maxBackward(x, out, ofIn(arena, new float[] {7}, 1), dx, 1);
          assertEquals(7f, dx.getFlat(at), "gradient to the NaN at " + at + " of " + n);

          float[] grid = new float[3 * n];
          Arrays.fill(grid, 1f);
          grid[3 * at + 1] = nan;
          Tensor columnsOut = zerosIn(arena, 3);
          kernels().max(ofIn(arena, grid, n, 3), columnsOut, 0);
          assertTrue(Float.isNaN(columnsOut.getFlat(1)) && columnsOut.getFlat(0) == 1f,
              "column max with NaN at row " + at);
          kernels().sum(ofIn(arena, grid, n, 3), columnsOut, 0);
          assertTrue(Float.isNaN(columnsOut.getFlat(1)) && columnsOut.getFlat(2) == n,
              "column sum with NaN at row " + at);
          values[at] = 1f;
          values[0] = inf;
          values[n - 1] = -inf;
          kernels().sum(ofIn(arena, values, 1, n), out, 1);
          assertTrue(Float.isNaN(out.getFlat(0)), "inf + -inf is NaN");
          values[n - 1] = 1f;
          kernels().max(ofIn(arena, values, 1, n), out, 1);
          assertEquals(inf, out.getFlat(0), "max with +inf");
        }
      }
    }
  }

  @Test
  void emptySlicesSumToZeroAndAverageToNaN() {
    try (Arena arena = Arena.ofShared()) {
      Tensor x = zerosIn(arena, 3, 0);
      Tensor out = zerosIn(arena, 3).fill(5f);
      kernels().sum(x, out, 1);
      assertArrayEquals(new float[] {0, 0, 0}, out.toFloatArray());
      kernels().mean(x, out, 1);
      assertTrue(Float.isNaN(out.getFlat(1)), "mean of nothing");
      kernels().sum(x, zerosIn(arena, 0), 0);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> kernels().max(x, zerosIn(arena, 3), 1));
      assertTrue(e.getMessage().contains("has no elements along axes [1]"), e.getMessage());
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    RandomTensors random = new RandomTensors(SEED + 17);
    int[] shape = {3, 4, 5};
    int[][] axesList = {{1}, {0, 2}, {0, 1, 2}, {-1}};
    for (int[] axes : axesList) {
      try (Arena arena = Arena.ofShared()) {
        // Distinct values, far apart against h, so the max is not at a tie.
        float[] values = new float[60];
        for (int i = 0; i < values.length; i++) {
          values[i] = (i * 37 % 60) * 0.05f - 1.5f;
        }
        Tensor x = ofIn(arena, values, shape);
        int[] outShape = ReductionKernels.reducedShape(shape, false, axes);
        Tensor w = uniformIn(arena, random, -1f, 1f, outShape);
        Tensor y = zerosIn(arena, outShape);
        String what = "axes " + Arrays.toString(axes);

        double[] numerical = GradientCheck.numericalGradient(x, t -> {
          kernels().sum(t, y, axes);
          return GradientCheck.dot(y, w);
        }, 1e-3);
        Tensor dx = zerosIn(arena, shape);
        kernels().sumBackward(w, dx, axes);
        GradientCheck.assertGradient(numerical, dx, GRADIENT_ABS, GRADIENT_REL, what + " sum");

        numerical = GradientCheck.numericalGradient(x, t -> {
          kernels().mean(t, y, axes);
          return GradientCheck.dot(y, w);
        }, 1e-3);
        kernels().meanBackward(w, dx, axes);
        GradientCheck.assertGradient(numerical, dx, GRADIENT_ABS, GRADIENT_REL, what + " mean");

        numerical = GradientCheck.numericalGradient(x, t -> {
          kernels().max(t, y, axes);
          return GradientCheck.dot(y, w);
        }, 1e-3);
        kernels().max(x, y, axes);
        kernels().maxBackward(x, y, w, dx, axes);
        GradientCheck.assertGradient(numerical, dx, GRADIENT_ABS, GRADIENT_REL, what + " max");
      }
    }
  }

  @Test
  void rejectsInvalidArguments() {
    try (Arena arena = Arena.ofShared()) {
      Tensor x = zerosIn(arena, 2, 3, 4);
      assertMessage(() -> kernels().sum(x, zerosIn(arena, 2, 4), 2),
          "out: float32[2, 4] (expected: [2, 3, 1] or [2, 3], x: float32[2, 3, 4] reduced over "
              + "axes [2])");
      assertMessage(() -> kernels().sum(x, zerosIn(arena, 2), 3), "axis 3 is out of range");
      assertMessage(() -> kernels().mean(x, zerosIn(arena, 3), 0, -3), "axis -3 is repeated");
      // Rank 5 takes the allocated mask rather than the shared ones up to rank 4.
      Tensor x5 = zerosIn(arena, 1, 2, 1, 2, 3);
      assertMessage(() -> kernels().sum(x5, zerosIn(arena, 1), 5), "axis 5 is out of range");
      assertMessage(() -> kernels().sum(x5, zerosIn(arena, 1, 2, 1, 2), 4, -1),
          "axis -1 is repeated");
      assertMessage(() -> kernels().sumBackward(zerosIn(arena, 5), x, 1),
          "dy: float32[5] (expected: [2, 1, 4] or [2, 4], dx: float32[2, 3, 4]");
      assertMessage(() -> kernels().maxBackward(x, zerosIn(arena, 2, 4), zerosIn(arena, 2, 4),
          zerosIn(arena, 2, 3), 1), "dx: float32[2, 3] (expected: [2, 3, 4] to match x");
      assertMessage(() -> kernels().max(x, x.slice(2, 0, 1), 2), "call contiguous() first");
    }
  }

  private static void assertMessage(Runnable call, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected),
        "message \"" + e.getMessage() + "\" should contain \"" + expected + "\"");
  }
}
