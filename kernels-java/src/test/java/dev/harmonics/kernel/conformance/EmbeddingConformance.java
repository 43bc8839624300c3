package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.EmbeddingKernels;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Embedding kernels of {@link #candidate()} against the reference. The lookup copies rows and must
 * match exactly; the backward pass sums repeated rows, in float for the candidate and in double
 * for the reference, and gets a tolerance.
 */
public abstract class EmbeddingConformance extends KernelConformanceTest {

  /**
   * A row repeated k times sums k values in [-1, 1); a float running sum then errs by about
   * k * 2^-24 times the partial sums. With k up to about 60 here that stays below 1e-4.
   */
  private static final double GRAD_ABS = 1e-4;
  private static final double GRAD_REL = 1e-5;

  private EmbeddingKernels kernels() {
    return candidate().embedding();
  }

  private EmbeddingKernels oracle() {
    return reference().embedding();
  }

  @Test
  void lookupMatchesTheReferenceForAwkwardWidthsAndIndexShapes() {
    int[][] indexShapes = {{}, {1}, {7}, {3, 5}, {2, 3, 4}, {1, 2, 1, 3}, {2, 1, 2, 1, 2}};
    for (int width : RandomTensors.AWKWARD_LENGTHS) {
      if (width > 4098) {
        continue;
      }
      int rows = random.between(1, 40);
      Tensor table = uniform(rows, width);
      for (int[] shape : indexShapes) {
        Tensor indices = track(random.indices(rows, shape));
        checkLookup(table, indices);
      }
    }
    Tensor wideBatch = uniform(1000, 64);
    checkLookup(wideBatch, track(random.indices(1000, 64, 50)));
  }

  @Test
  void lookupCopiesNaNAndInfinity() {
    Tensor table = uniform(4, 9);
    table.set(Float.NaN, 2, 3);
    table.set(Float.NEGATIVE_INFINITY, 1, 8);
    Tensor indices = track(Tensor.ofInts(new int[] {2, 1, 2}, 3));
    Tensor out = zeros(3, 9);
    kernels().lookup(table, indices, out);
    assertTrue(Float.isNaN(out.get(0, 3)) && Float.isNaN(out.get(2, 3)), "NaN copied");
    assertEquals(Float.NEGATIVE_INFINITY, out.get(1, 8));
  }

  @Test
  void backwardMatchesTheReferenceWithRepeatedIndices() {
    int[] widths = {1, 3, 8, 17, 33, 207, 256, 300, 702};
    for (int width : widths) {
      for (int rows : new int[] {1, 5, 60}) {
        Tensor indices = track(random.indices(rows, 4, 31));
        Tensor dout = uniform(4, 31, width);
        Tensor start = uniform(rows, width);
        Tensor expected = zeros(rows, width);
        Tensor actual = zeros(rows, width);
        expected.copyFrom(start.toFloatArray());
        actual.copyFrom(start.toFloatArray());
        oracle().backward(indices, dout, expected);
        kernels().backward(indices, dout, actual);
        TensorAssertions.assertClose(expected, actual, GRAD_ABS, GRAD_REL,
            "backward into [" + rows + ", " + width + "]");
      }
    }
  }

  @Test
  void backwardIsBitwiseIdenticalAtEveryThreadCount() {
    int original = KernelPool.shared().parallelism();
    try {
      for (int width : new int[] {48, 520}) {
        Tensor indices = track(random.indices(300, 2000));
        Tensor dout = uniform(2000, width);
        Tensor first = zeros(300, width);
        KernelPool.setParallelism(1);
        kernels().backward(indices, dout, first);
        for (int threads : new int[] {2, 3, 4}) {
          KernelPool.setParallelism(threads);
          Tensor again = zeros(300, width);
          kernels().backward(indices, dout, again);
          assertEquals(-1, first.data().mismatch(again.data()),
              "width " + width + " with " + threads + " threads");
        }
      }
    } finally {
      KernelPool.setParallelism(original);
    }
  }

  @Test
  void backwardAddsIntoTheTableAndPropagatesNaN() {
    Tensor indices = track(Tensor.ofInts(new int[] {1, 0, 1}, 3));
    Tensor dout = of(new float[] {1, 2, 3, 4, Float.NaN, 6}, 3, 2);
    Tensor dtable = of(new float[] {10, 20, 30, 40, 50, 60}, 3, 2);
    kernels().backward(indices, dout, dtable);
    float[] got = dtable.toFloatArray();
    assertEquals(13f, got[0]);
    assertEquals(24f, got[1]);
    assertTrue(Float.isNaN(got[2]), "NaN gradient reaches its row");
    assertEquals(48f, got[3]);
    assertEquals(50f, got[4]);
    assertEquals(60f, got[5]);
  }

  @Test
  void backwardMatchesFiniteDifferences() {
    Tensor table = uniform(5, 3);
    Tensor indices = track(Tensor.ofInts(new int[] {4, 0, 4, 2, 4, 0}, 2, 3));
    Tensor w = uniform(2, 3, 3);
    Tensor out = zeros(2, 3, 3);
    double[] numerical = GradientCheck.numericalGradient(table, t -> {
      kernels().lookup(t, indices, out);
      return GradientCheck.dot(out, w);
    }, 1e-2);
    Tensor dtable = zeros(5, 3);
    kernels().backward(indices, w, dtable);
    GradientCheck.assertGradient(numerical, dtable, 2e-3, 1e-3, "embedding backward");
  }

  @Test
  void outOfRangeIndicesNameTheIndexAndTheTableSize() {
    Tensor table = uniform(10, 4);
    Tensor out = zeros(2, 3, 4);
    Tensor negative = track(Tensor.ofInts(new int[] {1, 2, 3, 4, -1, 5}, 2, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> kernels().lookup(table, negative, out));
    assertTrue(e.getMessage().contains("is -1") && e.getMessage().contains("V = 10")
        && e.getMessage().contains("element 4 [1, 1]"), e.getMessage());
    Tensor tooBig = track(Tensor.ofInts(new int[] {1, 10, 3, 4, 0, 5}, 2, 3));
    e = assertThrows(IllegalArgumentException.class,
        () -> kernels().backward(tooBig, out, zeros(10, 4)));
    assertTrue(e.getMessage().contains("is 10") && e.getMessage().contains("V = 10"),
        e.getMessage());
  }

  @Test
  void invalidArgumentsAreRejectedWithTheParameterName() {
    Tensor table = uniform(10, 4);
    Tensor indices = track(random.indices(10, 2, 3));
    expectError("table", () -> kernels().lookup(uniform(10), indices,
        zeros(2, 3, 4)));
    expectError("table", () -> kernels().lookup(uniform(4, 10).transpose(0, 1),
        indices, zeros(2, 3, 4)));
    expectError("indices", () -> kernels().lookup(table, uniform(2, 3),
        zeros(2, 3, 4)));
    expectError("out", () -> kernels().lookup(table, indices, zeros(2, 3, 5)));
    expectError("out", () -> kernels().lookup(table, indices, zeros(6, 4)));
    expectError("dout", () -> kernels().backward(indices, zeros(2, 4, 4),
        zeros(10, 4)));
    expectError("dtable", () -> kernels().backward(indices, zeros(2, 3, 4),
        track(Tensor.allocate(DType.INT32, 10, 4))));
    Tensor shared = zeros(10, 4);
    expectError("overlap", () -> kernels().lookup(shared, track(random.indices(10, 10)), shared));
  }

  private void checkLookup(Tensor table, Tensor indices) {
    int[] shape = Arrays.copyOf(indices.shape(), indices.rank() + 1);
    shape[indices.rank()] = table.dim(1);
    Tensor expected = zeros(shape);
    Tensor actual = zeros(shape);
    oracle().lookup(table, indices, expected);
    kernels().lookup(table, indices, actual);
    TensorAssertions.assertClose(expected, actual, 0, 0,
        "lookup of " + indices.describe() + " in " + table.describe());
  }

  private static void expectError(String mentioned, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(mentioned),
        "message should mention '" + mentioned + "': " + e.getMessage());
  }
}
