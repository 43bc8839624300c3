package dev.harmonics.kernel.conformance;

import static dev.harmonics.kernel.conformance.PointwiseFixtures.ofIn;
import static dev.harmonics.kernel.conformance.PointwiseFixtures.zerosIn;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.harmonics.kernel.BinaryOp;
import dev.harmonics.kernel.ElementwiseKernels;
import dev.harmonics.tensor.DType;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Elementwise kernels of {@link #candidate()} against the reference: every operation over same
 * shapes and every kind of broadcast (scalar, row, column, middle dimension, rank mismatch, size 1
 * on both sides, random), forward exactly and backward within a stated tolerance, in place,
 * special values, finite-difference gradients and argument validation.
 */
public abstract class ElementwiseConformance extends KernelConformanceTest {

  /**
   * Gradients of broadcast operands are sums; the tolerance is relative to the sum of the
   * magnitudes of the terms. Float accumulation over a block of 256 rows can lose 256 * 2^-24 =
   * 1.5e-5 of it in the worst case (the reference sums in double).
   */
  private static final double REL_SUM = 2e-5;
  /** Finite differences with h = 1e-3 on float32 outputs. */
  private static final double GRADIENT_ABS = 1e-3;
  private static final double GRADIENT_REL = 1e-3;

  private ElementwiseKernels kernels() {
    return candidate().elementwise();
  }

  private ElementwiseKernels oracle() {
    return reference().elementwise();
  }

  /** Pairs of operand shapes covering each broadcast pattern. */
  private static List<int[][]> shapePairs(RandomTensors random) {
    List<int[][]> pairs = new ArrayList<>();
    for (int n : RandomTensors.AWKWARD_LENGTHS) {
      pairs.add(new int[][] {{n}, {n}});
    }
    int[][][] fixed = {
        {{5, 7}, {}}, {{}, {3, 4}}, {{33}, {1}}, {{300_001}, {}},
        {{6, 33}, {33}}, {{64, 4099}, {4099}}, {{33, 6}, {33, 1}}, {{3, 70_001}, {3, 1}},
        {{2, 5, 17}, {5, 1}}, {{2, 3, 4, 5}, {1, 3, 1, 1}}, {{2, 16, 40, 40}, {16, 1, 1}},
        {{3, 4, 5}, {4, 5}}, {{5}, {2, 3, 5}}, {{3, 1, 5}, {1, 4, 1}}, {{1, 7}, {6, 1}},
        {{4, 1}, {1}}, {{2, 1, 3, 1}, {2, 4, 1, 5}}};
    pairs.addAll(Arrays.asList(fixed));
    for (int i = 0; i < 25; i++) {
      int[] a = PointwiseFixtures.randomShape(random, random.between(1, 4), 7);
      int[] b = broadcastable(random, a);
      pairs.add(random.nextBoolean() ? new int[][] {a, b} : new int[][] {b, a});
    }
    return pairs;
  }

  /** A shape that broadcasts against {@code a}: some dimensions 1, some leading ones dropped. */
  private static int[] broadcastable(RandomTensors random, int[] a) {
    int drop = random.between(0, a.length);
    int[] b = Arrays.copyOfRange(a, drop, a.length);
    for (int d = 0; d < b.length; d++) {
      if (random.nextDouble() < 0.4) {
        b[d] = 1;
      }
    }
    return b;
  }

  /** Values away from 0 of both signs, so quotients and their gradients stay moderate. */
  private static Tensor operand(Arena arena, RandomTensors random, int... shape) {
    return PointwiseFixtures.awayFromZero(arena, random, 0.5f, 2f, shape);
  }

  @ParameterizedTest
  @EnumSource(BinaryOp.class)
  void forwardAndBackwardMatchTheReference(BinaryOp op) {
    RandomTensors random = new RandomTensors(SEED + op.ordinal());
    for (int[][] pair : shapePairs(random)) {
      try (Arena arena = Arena.ofShared()) {
        Tensor a = operand(arena, random, pair[0]);
        Tensor b = operand(arena, random, pair[1]);
        int[] shape = ElementwiseKernels.broadcastShape(a, b);
        String what = op + " " + Arrays.toString(pair[0]) + " " + Arrays.toString(pair[1]);
        Tensor expected = zerosIn(arena, shape);
        Tensor actual = zerosIn(arena, shape);
        oracle().forward(op, a, b, expected);
        kernels().forward(op, a, b, actual);
        TensorAssertions.assertClose(expected, actual, 0, 0, what + " forward");

        Tensor dy = PointwiseFixtures.uniformIn(arena, random, -1f, 1f, shape);
        Tensor da = zerosIn(arena, pair[0]);
        Tensor db = zerosIn(arena, pair[1]);
        Tensor expectedDa = zerosIn(arena, pair[0]);
        Tensor expectedDb = zerosIn(arena, pair[1]);
        oracle().backward(op, a, b, dy, expectedDa, expectedDb);
        kernels().backward(op, a, b, dy, da, db);
        // The reference on magnitudes sums |term| for each gradient element.
        Tensor magDa = zerosIn(arena, pair[0]);
        Tensor magDb = zerosIn(arena, pair[1]);
        oracle().backward(op, abs(arena, a), abs(arena, b), abs(arena, dy), magDa, magDb);
        assertSums(expectedDa, da, magDa, what + " da");
        assertSums(expectedDb, db, magDb, what + " db");

        Tensor onlyDb = zerosIn(arena, pair[1]);
        kernels().backward(op, a, b, dy, null, onlyDb);
        // Not necessarily bit-identical: the JIT may sum vector lanes in another order.
        assertSums(expectedDb, onlyDb, magDb, what + " db without da");
      }
    }
  }

  private static Tensor abs(Arena arena, Tensor t) {
    float[] v = t.toFloatArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.abs(v[i]);
    }
    return ofIn(arena, v, t.shape());
  }

  private static void assertSums(Tensor expected, Tensor actual, Tensor magnitude, String what) {
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    float[] m = magnitude.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      double tolerance = REL_SUM * Math.abs(m[i]) + 1e-30;
      if (!(Math.abs(e[i] - a[i]) <= tolerance)) {
        fail(what + ": element " + i + " is " + a[i] + " (expected " + e[i] + ", tolerance "
            + tolerance + ")");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(BinaryOp.class)
  void inPlaceGivesTheSameResults(BinaryOp op) {
    RandomTensors random = new RandomTensors(SEED + 9);
    int[] shape = {7, 19};
    try (Arena arena = Arena.ofShared()) {
      Tensor a = operand(arena, random, shape);
      Tensor b = operand(arena, random, shape);
      Tensor row = operand(arena, random, 19);
      Tensor expected = zerosIn(arena, shape);
      kernels().forward(op, a, b, expected);
      Tensor inA = ofIn(arena, a.toFloatArray(), shape);
      kernels().forward(op, inA, b, inA);
      TensorAssertions.assertClose(expected, inA, 0, 0, op + " out == a");
      Tensor inB = ofIn(arena, b.toFloatArray(), shape);
      kernels().forward(op, a, inB, inB);
      TensorAssertions.assertClose(expected, inB, 0, 0, op + " out == b");

      Tensor dy = PointwiseFixtures.uniformIn(arena, random, -1f, 1f, shape);
      Tensor da = zerosIn(arena, shape);
      Tensor dRow = zerosIn(arena, 19);
      kernels().backward(op, a, row, dy, da, dRow);
      Tensor inPlace = ofIn(arena, dy.toFloatArray(), shape);
      Tensor dRowInPlace = zerosIn(arena, 19);
      kernels().backward(op, a, row, inPlace, inPlace, dRowInPlace);
      TensorAssertions.assertClose(da, inPlace, 0, 0, op + " da == dy");
      TensorAssertions.assertClose(dRow, dRowInPlace, 0, 0, op + " db beside da == dy");
      Tensor db = zerosIn(arena, shape);
      Tensor dbInPlace = ofIn(arena, dy.toFloatArray(), shape);
      kernels().backward(op, a, b, dy, null, db);
      kernels().backward(op, a, b, dbInPlace, null, dbInPlace);
      TensorAssertions.assertClose(db, dbInPlace, 0, 0, op + " db == dy");
    }
  }

  @ParameterizedTest
  @EnumSource(BinaryOp.class)
  void scalarFormMatchesTheReference(BinaryOp op) {
    RandomTensors random = new RandomTensors(SEED + 4);
    try (Arena arena = Arena.ofShared()) {
      for (int n : RandomTensors.AWKWARD_LENGTHS) {
        Tensor x = operand(arena, random, n);
        Tensor expected = zerosIn(arena, n);
        Tensor actual = zerosIn(arena, n);
        oracle().scalar(op, x, -1.75f, expected);
        kernels().scalar(op, x, -1.75f, actual);
        TensorAssertions.assertClose(expected, actual, 0, 0, op + " scalar " + n);
      }
    }
  }

  @Test
  void accumulateAndAxpyMatchTheReference() {
    RandomTensors random = new RandomTensors(SEED + 5);
    try (Arena arena = Arena.ofShared()) {
      for (int n : RandomTensors.AWKWARD_LENGTHS) {
        Tensor x = operand(arena, random, n);
        float[] y = random.uniformArray(n, -1f, 1f);
        Tensor expected = ofIn(arena, y, n);
        Tensor actual = ofIn(arena, y, n);
        oracle().axpy(0.3f, x, expected);
        kernels().axpy(0.3f, x, actual);
        TensorAssertions.assertClose(expected, actual, 0, 0, "axpy " + n);
        oracle().accumulate(x, expected);
        kernels().accumulate(x, actual);
        TensorAssertions.assertClose(expected, actual, 0, 0, "accumulate " + n);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(BinaryOp.class)
  void gradientsMatchFiniteDifferences(BinaryOp op) {
    RandomTensors random = new RandomTensors(SEED + 13);
    int[][][] cases = {{{2, 3, 4}, {3, 1}}, {{3, 1}, {1, 4}}, {{5}, {}}, {{2, 3}, {2, 3}}};
    for (int[][] pair : cases) {
      try (Arena arena = Arena.ofShared()) {
        Tensor a = operand(arena, random, pair[0]);
        Tensor b = operand(arena, random, pair[1]);
        int[] shape = ElementwiseKernels.broadcastShape(a, b);
        Tensor w = PointwiseFixtures.uniformIn(arena, random, -1f, 1f, shape);
        Tensor y = zerosIn(arena, shape);
        double[] byA = GradientCheck.numericalGradient(a, t -> {
          kernels().forward(op, t, b, y);
          return GradientCheck.dot(y, w);
        }, 1e-3);
        double[] byB = GradientCheck.numericalGradient(b, t -> {
          kernels().forward(op, a, t, y);
          return GradientCheck.dot(y, w);
        }, 1e-3);
        Tensor da = zerosIn(arena, pair[0]);
        Tensor db = zerosIn(arena, pair[1]);
        kernels().backward(op, a, b, w, da, db);
        String what = op + " " + Arrays.toString(pair[0]) + " " + Arrays.toString(pair[1]);
        GradientCheck.assertGradient(byA, da, GRADIENT_ABS, GRADIENT_REL, what + " da");
        GradientCheck.assertGradient(byB, db, GRADIENT_ABS, GRADIENT_REL, what + " db");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(BinaryOp.class)
  void specialValuesPropagate(BinaryOp op) {
    float inf = Float.POSITIVE_INFINITY;
    float[] specials = {Float.NaN, inf, -inf, 0f, -0f, 1f, -1f, 3e38f, 1e-38f};
    int n = specials.length;
    float[] left = new float[n * n];
    float[] right = new float[n * n];
    for (int i = 0; i < n * n; i++) {
      left[i] = specials[i / n];
      right[i] = specials[i % n];
    }
    try (Arena arena = Arena.ofShared()) {
      Tensor a = ofIn(arena, left, n * n);
      Tensor b = ofIn(arena, right, n * n);
      Tensor expected = zerosIn(arena, n * n);
      Tensor actual = zerosIn(arena, n * n);
      oracle().forward(op, a, b, expected);
      kernels().forward(op, a, b, actual);
      TensorAssertions.assertClose(expected, actual, 0, 0, op + " of special values");

      Tensor rows = ofIn(arena, left, n, n);
      Tensor column = zerosIn(arena, n, 1).fill(1f);
      Tensor dy = ofIn(arena, right, n, n);
      Tensor expectedDb = zerosIn(arena, n, 1);
      Tensor actualDb = zerosIn(arena, n, 1);
      oracle().backward(op, rows, column, dy, null, expectedDb);
      kernels().backward(op, rows, column, dy, null, actualDb);
      TensorAssertions.assertClose(expectedDb, actualDb, 1e-30, 1e-6, op + " summed gradient");
      assertTrue(Float.isNaN(actualDb.getFlat(0)), op + ": a row of dy with NaN sums to NaN");
    }
  }

  @Test
  void rejectsInvalidArguments() {
    try (Arena arena = Arena.ofShared()) {
      Tensor a = zerosIn(arena, 2, 3);
      Tensor b = zerosIn(arena, 4);
      assertMessage(() -> kernels().add(a, b, zerosIn(arena, 2, 3)),
          "a: float32[2, 3] and b: float32[4] do not broadcast: dimension -1 is 3 vs 4");
      assertMessage(() -> kernels().mul(a, zerosIn(arena, 3), zerosIn(arena, 3, 3)),
          "out: float32[3, 3] (expected: [2, 3]");
      assertMessage(() -> kernels().backward(BinaryOp.MUL, a, zerosIn(arena, 3),
          zerosIn(arena, 2, 3), null, zerosIn(arena, 1, 3)),
          "db: float32[1, 3] (expected: [3] to match b: float32[3])");
      assertMessage(() -> kernels().sub(Tensor.allocate(arena, DType.INT8, 2, 3), a, a),
          "a: int8[2, 3] (expected: float32)");
      Tensor line = zerosIn(arena, 12);
      assertMessage(() -> kernels().add(line.slice(0, 0, 6), line.slice(0, 6, 12),
          line.slice(0, 3, 9)), "partly overlaps a");
      assertMessage(() -> kernels().axpy(2f, zerosIn(arena, 3), zerosIn(arena, 4)),
          "y: float32[4] (expected: [3] to match x: float32[3])");
      assertMessage(() -> kernels().div(a.transpose(0, 1), zerosIn(arena, 1), zerosIn(arena, 3, 2)),
          "call contiguous() first");
    }
  }

  private static void assertMessage(Runnable call, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected),
        "message \"" + e.getMessage() + "\" should contain \"" + expected + "\"");
  }
}
