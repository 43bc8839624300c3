package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.LayoutKernels;
import dev.harmonics.kernel.PadMode;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.TensorAssertions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Layout kernels of {@link #candidate()} against the reference and against independent oracles
 * ({@link Tensor#copyTo}, slicing). Copies, pads, concat and split move bits, so they must match
 * exactly; only {@code padBackward} sums and gets a tolerance.
 */
public abstract class LayoutConformance extends KernelConformanceTest {

  /** padBackward sums a few dozen float terms of size <= 1 at most; the reference uses double. */
  private static final double PAD_GRAD_ABS = 1e-5;
  private static final double PAD_GRAD_REL = 1e-5;
  /** Finite differences of a linear map, evaluated in float32 and summed in float64. */
  private static final double FD_ABS = 2e-3;
  private static final double FD_REL = 1e-3;
  private static final int[] DIMS = {1, 2, 3, 4, 5, 7, 8, 9, 13, 17};

  private LayoutKernels kernels() {
    return candidate().layout();
  }

  private LayoutKernels oracle() {
    return reference().layout();
  }

  @Test
  void copyMaterialisesRandomPermutationsOfRank1To5() {
    for (int rank = 1; rank <= 5; rank++) {
      for (int trial = 0; trial < 12; trial++) {
        Tensor x = uniform(randomShape(rank, 6000));
        Tensor view = x.permute(randomPermutation(rank));
        checkCopy(view, "permute of " + x.describe());
      }
    }
  }

  @Test
  void copyHandlesViewsOfSlices() {
    for (int rank = 2; rank <= 4; rank++) {
      for (int trial = 0; trial < 10; trial++) {
        Tensor x = uniform(randomShape(rank, 6000));
        int d = random.between(0, rank - 1);
        int from = random.between(0, x.dim(d) - 1);
        int to = random.between(from + 1, x.dim(d));
        Tensor view = x.slice(d, from, to).permute(randomPermutation(rank));
        checkCopy(view, "permuted slice of " + x.describe());
      }
    }
  }

  @Test
  void copyTransposesAwkwardSizes() {
    int[] sizes = {1, 3, 4, 7, 8, 9, 16, 17, 33, 64, 65, 130};
    for (int rows : sizes) {
      for (int cols : sizes) {
        Tensor x = uniform(rows, cols);
        checkCopy(x.transpose(0, 1), "transpose of " + x.describe());
      }
    }
  }

  @Test
  void copyTransposesLargeAndBatchedMatrices() {
    Tensor big = uniform(703, 1030);
    checkCopy(big.transpose(0, 1), "transpose of " + big.describe());
    Tensor batched = uniform(3, 67, 129);
    checkCopy(batched.transpose(1, 2), "batched transpose");
    Tensor nhwc = uniform(2, 45, 37, 3);
    checkCopy(nhwc.permute(0, 3, 1, 2), "NHWC to NCHW");
    Tensor nchw = uniform(2, 3, 45, 37);
    checkCopy(nchw.permute(0, 2, 3, 1), "NCHW to NHWC");
    Tensor runs = uniform(40, 33, 70);
    checkCopy(runs.permute(1, 0, 2), "contiguous inner runs");
    Tensor channels = uniform(300, 400, 3);
    checkCopy(channels.slice(2, 1, 2), "one channel: no dimension has unit stride");
    checkCopy(channels.slice(2, 0, 2).permute(2, 1, 0), "two channels, reversed dims");
  }

  @ParameterizedTest
  @EnumSource(value = DType.class, names = {"INT32", "INT8"})
  void copyMovesIntegerTensors(DType dtype) {
    for (int rank = 1; rank <= 4; rank++) {
      for (int trial = 0; trial < 6; trial++) {
        Tensor x = track(integers(dtype, randomShape(rank, 5000)));
        checkCopy(x.permute(randomPermutation(rank)), dtype + " permute");
      }
    }
    Tensor big = track(integers(dtype, 300, 517));
    checkCopy(big.transpose(0, 1), dtype + " transpose");
  }

  @Test
  void copyKeepsEveryBitIncludingNaNPayloadsAndInfinities() {
    float[] values = random.uniformArray(19 * 23, -1, 1);
    values[5] = Float.intBitsToFloat(0x7fc1_2345);
    values[40] = Float.intBitsToFloat(0xffa0_0001);
    values[77] = Float.POSITIVE_INFINITY;
    values[78] = Float.NEGATIVE_INFINITY;
    values[100] = -0f;
    Tensor x = of(values, 19, 23);
    Tensor y = zeros(23, 19);
    kernels().copy(x.transpose(0, 1), y);
    for (int i = 0; i < 19; i++) {
      for (int j = 0; j < 23; j++) {
        assertEquals(Float.floatToRawIntBits(values[i * 23 + j]),
            Float.floatToRawIntBits(y.get(j, i)), "bits of element (" + i + ", " + j + ")");
      }
    }
  }

  @Test
  void heapBackedTensorsWorkLikeOffHeapOnes() {
    float[] values = random.uniformArray(37 * 41, -1, 1);
    Tensor x = Tensor.wrap(values, 37, 41);
    Tensor y = Tensor.wrap(new float[41 * 37], 41, 37);
    kernels().copy(x.transpose(0, 1), y);
    Tensor expected = zeros(41, 37);
    x.transpose(0, 1).copyTo(expected);
    TensorAssertions.assertClose(expected, y, 0, 0, "heap transpose");
    Tensor padded = Tensor.wrap(new float[39 * 44], 39, 44);
    Tensor paddedExpected = zeros(39, 44);
    int[] before = {1, 2};
    int[] after = {1, 1};
    kernels().pad(x, before, after, PadMode.REFLECT, 0, padded);
    oracle().pad(x, before, after, PadMode.REFLECT, 0, paddedExpected);
    TensorAssertions.assertClose(paddedExpected, padded, 0, 0, "heap pad");
  }

  @ParameterizedTest
  @EnumSource(PadMode.class)
  void padMatchesTheReferenceWithAsymmetricPadsOnSeveralDims(PadMode mode) {
    for (int rank = 1; rank <= 4; rank++) {
      for (int trial = 0; trial < 10; trial++) {
        Tensor x = uniform(randomShape(rank, 4000));
        int[][] pads = randomPads(x.shape(), mode);
        Tensor expected = zeros(padded(x.shape(), pads));
        Tensor actual = zeros(padded(x.shape(), pads));
        oracle().pad(x, pads[0], pads[1], mode, -2.5f, expected);
        kernels().pad(x, pads[0], pads[1], mode, -2.5f, actual);
        TensorAssertions.assertClose(expected, actual, 0, 0, mode + " pad of " + x.describe());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PadMode.class)
  void padHandlesAwkwardRowLengthsAndLargeInputs(PadMode mode) {
    for (int n : new int[] {1, 3, 7, 17, 33, 207, 4098}) {
      Tensor x = uniform(3, n);
      int pad = mode == PadMode.REFLECT ? Math.min(n - 1, 5) : 5;
      int[] before = {1, pad};
      int[] after = {2, Math.max(0, pad - 1)};
      Tensor expected = zeros(3 + before[0] + after[0], n + before[1] + after[1]);
      Tensor actual = zeros(expected.shape());
      oracle().pad(x, before, after, mode, 7f, expected);
      kernels().pad(x, before, after, mode, 7f, actual);
      TensorAssertions.assertClose(expected, actual, 0, 0, mode + " rows of " + n);
    }
    Tensor image = uniform(4, 16, 56, 56);
    int[] before = {0, 0, 1, 2};
    int[] after = {0, 0, 3, 1};
    Tensor expected = zeros(4, 16, 60, 59);
    Tensor actual = zeros(4, 16, 60, 59);
    oracle().pad(image, before, after, mode, 0f, expected);
    kernels().pad(image, before, after, mode, 0f, actual);
    TensorAssertions.assertClose(expected, actual, 0, 0, mode + " pad of an image batch");
  }

  @ParameterizedTest
  @EnumSource(PadMode.class)
  void padCopiesNaNAndInfinity(PadMode mode) {
    Tensor x = of(new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, 2}, 4);
    Tensor y = zeros(8);
    kernels().pad(x, new int[] {2}, new int[] {2}, mode, Float.NEGATIVE_INFINITY, y);
    Tensor expected = zeros(8);
    oracle().pad(x, new int[] {2}, new int[] {2}, mode, Float.NEGATIVE_INFINITY, expected);
    TensorAssertions.assertClose(expected, y, 0, 0, mode + " with NaN and infinity");
    assertTrue(Float.isNaN(y.getFlat(2)), "NaN stays in place");
  }

  @ParameterizedTest
  @EnumSource(PadMode.class)
  void padMovesIntegerTensors(PadMode mode) {
    for (DType dtype : new DType[] {DType.INT32, DType.INT8}) {
      for (int rank = 1; rank <= 3; rank++) {
        Tensor x = track(integers(dtype, randomShape(rank, 3000)));
        int[][] pads = randomPads(x.shape(), mode);
        int[] shape = padded(x.shape(), pads);
        Tensor expected = track(Tensor.allocate(dtype, shape));
        Tensor actual = track(Tensor.allocate(dtype, shape));
        oracle().pad(x, pads[0], pads[1], mode, -7f, expected);
        kernels().pad(x, pads[0], pads[1], mode, -7f, actual);
        assertEquals(-1, expected.data().mismatch(actual.data()), mode + " " + dtype + " pad");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PadMode.class)
  void padBackwardMatchesTheReference(PadMode mode) {
    for (int rank = 1; rank <= 4; rank++) {
      for (int trial = 0; trial < 10; trial++) {
        int[] shape = randomShape(rank, 4000);
        int[][] pads = randomPads(shape, mode);
        Tensor dy = uniform(padded(shape, pads));
        Tensor expected = zeros(shape);
        Tensor actual = zeros(shape);
        oracle().padBackward(dy, pads[0], pads[1], mode, expected);
        actual.fill(Float.NaN);
        kernels().padBackward(dy, pads[0], pads[1], mode, actual);
        TensorAssertions.assertClose(expected, actual, PAD_GRAD_ABS, PAD_GRAD_REL,
            mode + " padBackward for " + Arrays.toString(shape));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(PadMode.class)
  void padBackwardMatchesFiniteDifferences(PadMode mode) {
    int[][] shapes = {{5}, {3, 4}, {2, 3, 4}, {2, 1, 3, 3}};
    for (int[] shape : shapes) {
      int[][] pads = randomPads(shape, mode);
      Tensor x = uniform(shape);
      Tensor w = uniform(padded(shape, pads));
      Tensor y = zeros(padded(shape, pads));
      double[] numerical = GradientCheck.numericalGradient(x, t -> {
        kernels().pad(t, pads[0], pads[1], mode, 0.5f, y);
        return GradientCheck.dot(y, w);
      }, 1e-2);
      Tensor dx = zeros(shape);
      kernels().padBackward(w, pads[0], pads[1], mode, dx);
      GradientCheck.assertGradient(numerical, dx, FD_ABS, FD_REL,
          mode + " padBackward of " + Arrays.toString(shape));
    }
  }

  @Test
  void concatJoinsAlongEveryAxisAndSplitUndoesIt() {
    for (int rank = 1; rank <= 4; rank++) {
      for (int axis = 0; axis < rank; axis++) {
        for (int trial = 0; trial < 4; trial++) {
          int[] base = randomShape(rank, 3000);
          int parts = random.between(1, 4);
          List<Tensor> inputs = new ArrayList<>();
          int total = 0;
          for (int k = 0; k < parts; k++) {
            int[] shape = base.clone();
            shape[axis] = trial == 3 && k == 1 ? 0 : random.between(1, 9);
            total += shape[axis];
            inputs.add(uniform(shape));
          }
          int[] joined = base.clone();
          joined[axis] = total;
          checkConcatAndSplit(inputs, axis, joined);
        }
      }
    }
  }

  @Test
  void concatAndSplitLargeAndIntegerTensors() {
    List<Tensor> wide = List.of(uniform(3, 50_000), uniform(3, 30_001));
    checkConcatAndSplit(wide, 1, new int[] {3, 80_001});
    List<Tensor> tall = List.of(uniform(70_000), uniform(3),
        uniform(90_001));
    checkConcatAndSplit(tall, 0, new int[] {160_004});
    for (DType dtype : new DType[] {DType.INT32, DType.INT8}) {
      Tensor a = track(integers(dtype, 5, 3, 7));
      Tensor b = track(integers(dtype, 5, 2, 7));
      Tensor y = track(Tensor.allocate(dtype, 5, 5, 7));
      Tensor expected = track(Tensor.allocate(dtype, 5, 5, 7));
      kernels().concat(List.of(a, b), -2, y);
      oracle().concat(List.of(a, b), -2, expected);
      assertEquals(-1, expected.data().mismatch(y.data()), dtype + " concat");
      Tensor a2 = track(Tensor.allocate(dtype, 5, 3, 7));
      Tensor b2 = track(Tensor.allocate(dtype, 5, 2, 7));
      kernels().split(y, 1, List.of(a2, b2));
      assertEquals(-1, a.data().mismatch(a2.data()), dtype + " split part 0");
      assertEquals(-1, b.data().mismatch(b2.data()), dtype + " split part 1");
    }
  }

  @Test
  void concatBackwardIsSplitByFiniteDifferences() {
    Tensor a = uniform(2, 3, 2);
    Tensor b = uniform(2, 1, 2);
    Tensor c = uniform(2, 4, 2);
    Tensor y = zeros(2, 8, 2);
    Tensor w = uniform(2, 8, 2);
    List<Tensor> inputs = List.of(a, b, c);
    List<Tensor> grads = List.of(zeros(2, 3, 2), zeros(2, 1, 2),
        zeros(2, 4, 2));
    kernels().split(w, 1, grads);
    for (int k = 0; k < inputs.size(); k++) {
      double[] numerical = GradientCheck.numericalGradient(inputs.get(k), t -> {
        kernels().concat(inputs, 1, y);
        return GradientCheck.dot(y, w);
      }, 1e-2);
      GradientCheck.assertGradient(numerical, grads.get(k), FD_ABS, FD_REL,
          "d concat / d input " + k);
    }
  }

  @Test
  void flattenIsAViewOfTheSameMemory() {
    Tensor x = uniform(2, 3, 4);
    Tensor flat = kernels().flatten(x, 1);
    assertArrayEquals(new int[] {2, 12}, flat.shape());
    flat.set(42f, 1, 5);
    assertEquals(42f, x.get(1, 1, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernels().flatten(x.transpose(0, 2), 0));
    assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
  }

  @Test
  void invalidArgumentsAreRejectedWithTheParameterName() {
    Tensor x = uniform(3, 4);
    expectError("dst", () -> kernels().copy(x.transpose(0, 1), zeros(3, 4)));
    expectError("dst", () -> kernels().copy(x, zeros(4, 3).transpose(0, 1)));
    expectError("dst", () -> kernels().copy(x, track(Tensor.allocate(DType.INT32, 3, 4))));
    expectError("overlap", () -> kernels().copy(x.transpose(0, 1), x.reshape(4, 3)));
    expectError("y", () -> kernels().pad(x, new int[] {1, 1}, new int[] {0, 0},
        PadMode.CONSTANT, 0, zeros(4, 6)));
    expectError("before", () -> kernels().pad(x, new int[] {1}, new int[] {0},
        PadMode.CONSTANT, 0, zeros(4, 4)));
    expectError("pads >= 0", () -> kernels().pad(x, new int[] {-1, 0}, new int[] {0, 0},
        PadMode.CONSTANT, 0, zeros(2, 4)));
    IllegalArgumentException reflect = expectError("REFLECT", () -> kernels().pad(x,
        new int[] {0, 4}, new int[] {0, 0}, PadMode.REFLECT, 0, zeros(3, 8)));
    assertTrue(reflect.getMessage().contains("size 4"), reflect.getMessage());
    expectError("EDGE", () -> kernels().pad(zeros(0, 2), new int[] {1, 0},
        new int[] {0, 0}, PadMode.EDGE, 0, zeros(1, 2)));
    expectError("value", () -> kernels().pad(track(Tensor.allocate(DType.INT8, 2)),
        new int[] {1}, new int[] {0}, PadMode.CONSTANT, 300f,
        track(Tensor.allocate(DType.INT8, 3))));
    expectError("dx", () -> kernels().padBackward(zeros(5, 4), new int[] {1, 0},
        new int[] {1, 0}, PadMode.EDGE, track(Tensor.allocate(DType.INT32, 3, 4))));
    expectError("dy", () -> kernels().padBackward(zeros(5, 5), new int[] {1, 0},
        new int[] {1, 0}, PadMode.EDGE, zeros(3, 4)));
    Tensor a = uniform(2, 3);
    Tensor b = uniform(3, 3);
    expectError("inputs[1]", () -> kernels().concat(List.of(a, b), 1, zeros(2, 6)));
    expectError("add up to", () -> kernels().concat(List.of(a, a), 0, zeros(5, 3)));
    expectError("axis", () -> kernels().concat(List.of(a), 2, zeros(2, 3)));
    expectError("inputs", () -> kernels().concat(List.of(), 0, zeros(2, 3)));
    expectError("inputs[0]", () -> kernels().concat(List.of(b.transpose(0, 1)), 0,
        zeros(3, 3)));
    expectError("add up to", () -> kernels().split(zeros(5, 3), 0,
        List.of(zeros(2, 3), zeros(2, 3))));
    Tensor whole = zeros(4, 3);
    expectError("overlap", () -> kernels().split(whole, 0,
        List.of(whole.slice(0, 0, 2), zeros(2, 3))));
  }

  private void checkCopy(Tensor view, String what) {
    Tensor expected = track(Tensor.allocate(view.dtype(), view.shape()));
    Tensor actual = track(Tensor.allocate(view.dtype(), view.shape()));
    view.copyTo(expected);
    kernels().copy(view, actual);
    assertEquals(-1, expected.data().mismatch(actual.data()), what + ": " + view.describe());
  }

  private void checkConcatAndSplit(List<Tensor> inputs, int axis, int[] joined) {
    Tensor expected = zeros(joined);
    Tensor actual = zeros(joined);
    oracle().concat(inputs, axis, expected);
    kernels().concat(inputs, axis, actual);
    TensorAssertions.assertClose(expected, actual, 0, 0, "concat on axis " + axis);
    int start = 0;
    for (Tensor input : inputs) {
      int size = input.dim(axis);
      TensorAssertions.assertClose(input.toFloatArray(),
          actual.slice(axis, start, start + size).toFloatArray(), 0, 0, "slice of the concat");
      start += size;
    }
    List<Tensor> parts = new ArrayList<>();
    for (Tensor input : inputs) {
      parts.add(zeros(input.shape()));
    }
    kernels().split(actual, axis, parts);
    for (int k = 0; k < parts.size(); k++) {
      TensorAssertions.assertClose(inputs.get(k), parts.get(k), 0, 0, "split part " + k);
    }
  }

  private Tensor integers(DType dtype, int... shape) {
    if (dtype == DType.INT8) {
      return random.int8(shape);
    }
    Tensor t = Tensor.allocate(DType.INT32, shape);
    for (int i = 0; i < t.size(); i++) {
      t.setIntFlat(i, random.between(Integer.MIN_VALUE / 2, Integer.MAX_VALUE / 2) * 2
          + (random.nextBoolean() ? 1 : 0));
    }
    return t;
  }

  private int[] randomShape(int rank, int maxSize) {
    int[] shape = new int[rank];
    long size;
    do {
      size = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = DIMS[random.between(0, DIMS.length - 1)];
        size *= shape[d];
      }
    } while (size > maxSize);
    return shape;
  }

  private int[] randomPermutation(int rank) {
    int[] order = new int[rank];
    for (int i = 0; i < rank; i++) {
      order[i] = i;
    }
    for (int i = rank - 1; i > 0; i--) {
      int j = random.between(0, i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** Asymmetric pads on a random subset of dimensions; REFLECT pads stay below the size. */
  private int[][] randomPads(int[] shape, PadMode mode) {
    int[] before = new int[shape.length];
    int[] after = new int[shape.length];
    for (int d = 0; d < shape.length; d++) {
      if (random.nextDouble() < 0.3) {
        continue;
      }
      int limit = mode == PadMode.REFLECT ? shape[d] - 1 : 4;
      before[d] = random.between(0, Math.min(4, limit));
      after[d] = random.between(0, Math.min(4, limit));
    }
    return new int[][] {before, after};
  }

  private static int[] padded(int[] shape, int[][] pads) {
    int[] out = shape.clone();
    for (int d = 0; d < shape.length; d++) {
      out[d] += pads[0][d] + pads[1][d];
    }
    return out;
  }

  private static IllegalArgumentException expectError(String mentioned, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(mentioned),
        "message should mention '" + mentioned + "': " + e.getMessage());
    return e;
  }
}
