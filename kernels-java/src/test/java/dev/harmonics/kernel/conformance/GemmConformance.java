package dev.harmonics.kernel.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.GradientCheck;
import dev.harmonics.testing.KernelConformanceTest;
import dev.harmonics.testing.TensorAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * GEMM conformance: {@code candidate()} against {@code reference()}.
 *
 * <p>Tolerance: inputs are uniform in [-1, 1), and a backend may sum the K products in any order,
 * in float32. The error of such a sum grows at most linearly with K, so an element may differ by
 * {@code |alpha| · K · 4 · 2^-23} plus {@code 1e-5} (absolute and relative) for the beta, bias and
 * activation steps. A real bug (a dropped or doubled product) is off by order 1.
 */
public abstract class GemmConformance extends KernelConformanceTest {

  /** Sizes around the tile and vector edges for 128-, 256- and 512-bit species. */
  private static final int[] ODD_SIZES = {1, 3, 17, 33, 65, 127};
  private static final double EPS = 0x1p-23;

  private GemmKernels gemm() {
    return candidate().gemm();
  }

  private static double tolerance(int k, float alpha) {
    return Math.abs(alpha) * k * 4 * EPS + 1e-5;
  }

  private static int[] stored(boolean trans, int rows, int cols) {
    return trans ? new int[] {cols, rows} : new int[] {rows, cols};
  }

  /** Runs candidate and reference on the same inputs and compares C. */
  private void check(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
      boolean withBias, Activation activation) {
    Tensor a = uniform(stored(transA, m, k));
    Tensor b = uniform(stored(transB, k, n));
    Tensor bias = withBias ? uniform(n) : null;
    Tensor expected = uniform(m, n);
    Tensor actual = zeros(m, n);
    expected.copyTo(actual);
    float activationAlpha = activation.defaultAlpha();
    reference().gemm().gemm(transA, transB, alpha, a, b, beta, expected, bias, activation,
        activationAlpha);
    gemm().gemm(transA, transB, alpha, a, b, beta, actual, bias, activation, activationAlpha);
    TensorAssertions.assertClose(expected, actual, tolerance(k, alpha), 1e-5,
        "gemm transA=" + transA + " transB=" + transB + " " + m + "x" + k + "x" + n + " alpha="
            + alpha + " beta=" + beta + " bias=" + withBias + " " + activation);
  }

  @Test
  void oddShapesAllTransposes() {
    for (int m : ODD_SIZES) {
      for (int n : ODD_SIZES) {
        int k = ODD_SIZES[(m * 7 + n * 3) % ODD_SIZES.length];
        for (int t = 0; t < 4; t++) {
          check((t & 1) != 0, (t & 2) != 0, m, n, k, 1f, 0f, false, Activation.IDENTITY);
        }
      }
    }
  }

  @Test
  void everyKAcrossTheSizes() {
    for (int k : ODD_SIZES) {
      check(false, false, 33, 65, k, 1f, 0f, false, Activation.IDENTITY);
      check(true, true, 17, 127, k, 1f, 0f, false, Activation.IDENTITY);
    }
    check(false, false, 1, 1, 1, 1f, 0f, false, Activation.IDENTITY);
    check(false, false, 9, 11, 257, 1f, 0f, false, Activation.IDENTITY);
    check(false, true, 7, 40, 600, 1f, 1f, false, Activation.IDENTITY);
  }

  @Test
  void alphaAndBetaVariants() {
    float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {0.5f, 2f}, {-1.5f, -0.25f}, {2f, 0f}};
    for (float[] ab : alphaBeta) {
      for (int t = 0; t < 4; t++) {
        check((t & 1) != 0, (t & 2) != 0, 37, 45, 29, ab[0], ab[1], false, Activation.IDENTITY);
        check((t & 1) != 0, (t & 2) != 0, 2, 45, 29, ab[0], ab[1], false, Activation.IDENTITY);
      }
    }
  }

  @Test
  void fewRowsAndWideRows() {
    for (int m = 1; m <= 7; m++) {
      for (int t = 0; t < 4; t++) {
        check((t & 1) != 0, (t & 2) != 0, m, 600, 37, 1f, 0.5f, m % 2 == 0, Activation.RELU);
      }
    }
  }

  /** Large shapes only test a backend against the reference, not the reference against itself. */
  private void assumeNotTheReference() {
    Assumptions.assumeFalse(candidate().backend() == Backend.REFERENCE,
        "large shapes compare a backend with the reference; the reference is its own oracle");
  }

  @Test
  void largeProductWithBetaAndBias() {
    assumeNotTheReference();
    check(true, true, 300, 400, 500, 0.5f, 1f, true, Activation.RELU);
  }

  /** Deeper than one depth slice (4096), so C is finished across slices. */
  @Test
  void veryDeepK() {
    assumeNotTheReference();
    check(false, true, 7, 9, 9000, 1f, 0.5f, true, Activation.RELU);
    check(true, false, 13, 40, 4500, -1f, 0f, true, Activation.GELU_TANH);
  }

  @Test
  void fusedBiasAndEveryActivation() {
    for (Activation activation : Activation.values()) {
      check(false, false, 19, 45, 23, 1f, 0f, true, activation);
      check(true, false, 3, 45, 23, 1f, 0.5f, true, activation);
      check(false, true, 8, 35, 70, 0.75f, 1f, true, activation);
    }
  }

  @Test
  void betaZeroOverwritesNaNInC() {
    Tensor a = uniform(20, 30);
    Tensor b = uniform(30, 40);
    Tensor c = zeros(20, 40).fill(Float.NaN);
    gemm().gemm(false, false, 1f, a, b, 0f, c);
    for (float v : c.toFloatArray()) {
      assertFalse(Float.isNaN(v), "beta == 0 must not read C");
    }
    Tensor row = zeros(1, 40).fill(Float.NaN);
    gemm().gemm(false, false, 1f, uniform(1, 30), b, 0f, row);
    for (float v : row.toFloatArray()) {
      assertFalse(Float.isNaN(v), "beta == 0 must not read C (one row)");
    }
  }

  @Test
  void nanAndInfinityInAPropagate() {
    for (int m : new int[] {2, 20}) {
      Tensor a = uniform(m, 30);
      Tensor b = uniform(0.5f, 1f, 30, 40);
      a.set(Float.NaN, 1, 3);
      a.set(Float.POSITIVE_INFINITY, 0, 7);
      Tensor c = zeros(m, 40);
      gemm().gemm(false, false, 1f, a, b, 0f, c);
      for (int j = 0; j < 40; j++) {
        assertTrue(Float.isNaN(c.get(1, j)), "NaN in row 1 of A reaches C[1, " + j + "]");
        assertTrue(c.get(0, j) == Float.POSITIVE_INFINITY, "+inf times positive B stays +inf");
      }
      for (int i = 2; i < m; i++) {
        assertTrue(Float.isFinite(c.get(i, 0)), "other rows stay finite");
      }
    }
  }

  @Test
  void nanInOldCPropagatesWhenBetaIsNonZero() {
    Tensor c = zeros(10, 10);
    c.set(Float.NaN, 4, 5);
    gemm().gemm(false, false, 1f, uniform(10, 10), uniform(10, 10), 1f, c);
    assertTrue(Float.isNaN(c.get(4, 5)));
    assertTrue(Float.isFinite(c.get(4, 4)));
  }

  @Test
  void alphaZeroOrEmptyKScalesCOnly() {
    Tensor a = uniform(9, 5);
    a.set(Float.NaN, 0, 0);
    Tensor b = uniform(5, 70);
    Tensor bias = uniform(70);
    Tensor c = uniform(9, 70);
    float[] old = c.toFloatArray();
    float[] biasValues = bias.toFloatArray();
    gemm().gemm(false, false, 0f, a, b, 2f, c, bias, Activation.RELU, 0f);
    float[] got = c.toFloatArray();
    for (int i = 0; i < got.length; i++) {
      float expected = Math.max(0f, (float) (2.0 * old[i] + biasValues[i % 70]));
      TensorAssertions.assertClose(new float[] {expected}, new float[] {got[i]}, 1e-6, 1e-6,
          "alpha == 0 element " + i);
    }
    Tensor empty = zeros(9, 70).fill(Float.NaN);
    gemm().gemm(false, false, 1f, zeros(9, 0), zeros(0, 70), 0f,
        empty);
    for (float v : empty.toFloatArray()) {
      assertTrue(v == 0f, "K == 0 with beta == 0 gives zeros");
    }
  }

  @Test
  void heapBackedTensorsWork() {
    float[] av = random.uniformArray(12 * 9, -1, 1);
    float[] bv = random.uniformArray(9 * 31, -1, 1);
    Tensor expected = zeros(12, 31);
    Tensor actual = Tensor.wrap(new float[12 * 31], 12, 31);
    reference().gemm().gemm(false, false, 1f, of(av, 12, 9),
        of(bv, 9, 31), 0f, expected);
    gemm().gemm(false, false, 1f, Tensor.wrap(av, 12, 9), Tensor.wrap(bv, 9, 31), 0f, actual);
    TensorAssertions.assertClose(expected, actual, tolerance(9, 1f), 1e-5, "heap tensors");
  }

  private void checkBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
      boolean broadcast) {
    Tensor a = uniform(batch, transA ? k : m, transA ? m : k);
    int[] bShape = stored(transB, k, n);
    Tensor b = broadcast ? uniform(bShape) : uniform(batch, bShape[0], bShape[1]);
    Tensor expected = zeros(batch, m, n);
    Tensor actual = zeros(batch, m, n).fill(Float.NaN);
    reference().gemm().batchedMatmul(transA, transB, a, b, expected);
    gemm().batchedMatmul(transA, transB, a, b, actual);
    TensorAssertions.assertClose(expected, actual, tolerance(k, 1f), 1e-5,
        "batchedMatmul transA=" + transA + " transB=" + transB + " batch=" + batch + " " + m
            + "x" + k + "x" + n + " broadcast=" + broadcast);
  }

  @Test
  void batchedWithAndWithoutBroadcast() {
    for (int t = 0; t < 4; t++) {
      boolean transA = (t & 1) != 0;
      boolean transB = (t & 2) != 0;
      for (boolean broadcast : new boolean[] {false, true}) {
        checkBatched(transA, transB, 1, 1, 1, 1, broadcast);
        checkBatched(transA, transB, 5, 3, 17, 9, broadcast);
        checkBatched(transA, transB, 3, 33, 20, 65, broadcast);
        checkBatched(transA, transB, 2, 130, 70, 90, broadcast);
      }
    }
  }

  /**
   * One thread, several row blocks of A (48 rows each at this depth) and several column blocks of
   * B: A is packed once into the shared row blocks and reused for every column block.
   */
  @Test
  void sharedRowBlocksOnOneThread() {
    assumeNotTheReference();
    int before = KernelPool.shared().parallelism();
    KernelPool.setParallelism(1);
    try {
      check(true, false, 100, 300, 4000, 1f, 0.5f, true, Activation.RELU);
    } finally {
      KernelPool.setParallelism(before);
    }
  }

  /**
   * K deeper than a whole A block of 32 tiles' rows fits the A budget (the SIMD driver's {@code
   * DEEP_K}: 1024 with 6-row tiles and 2 MB of L2, 1536 with 4-row tiles, 384 with 4-row tiles
   * and 512 KB), where the SIMD driver walks K chunks outermost over a block of partial sums: partial tiles and strips, every transpose,
   * beta, across depth slices, and split between threads by rows and by fixed rectangles.
   */
  @Test
  void deepKOverManyRows() {
    assumeNotTheReference();
    int before = KernelPool.shared().parallelism();
    try {
      KernelPool.setParallelism(1);
      check(false, false, 200, 70, 1100, 1f, 0.5f, true, Activation.RELU);
      check(true, true, 97, 45, 2100, -0.5f, 0f, false, Activation.IDENTITY);
      check(false, true, 200, 40, 5000, 1f, 1f, true, Activation.IDENTITY);
      KernelPool.setParallelism(3);
      check(false, false, 400, 150, 1700, 1f, 0f, true, Activation.IDENTITY);
      check(true, false, 250, 50, 4500, 1f, 0.5f, false, Activation.IDENTITY);
    } finally {
      KernelPool.setParallelism(before);
    }
  }

  /**
   * Products of growing, then shrinking size on one thread, B stored both ways: a kernel that keeps
   * packed buffers between calls must regrow them and must not reuse a stale packing.
   */
  @Test
  void packedBuffersAcrossCallsOfChangingSize() {
    int before = KernelPool.shared().parallelism();
    KernelPool.setParallelism(1);
    try {
      for (boolean transB : new boolean[] {false, true}) {
        check(false, transB, 7, 33, 5, 1f, 0f, false, Activation.IDENTITY);
        check(false, transB, 70, 130, 300, 1f, 0f, false, Activation.IDENTITY);
        check(false, transB, 13, 65, 17, 1f, 0.5f, false, Activation.IDENTITY);
        check(true, transB, 70, 130, 300, 1f, 0f, false, Activation.IDENTITY);
      }
    } finally {
      KernelPool.setParallelism(before);
    }
  }

  /**
   * Every threaded path (split by rows, column blocks over shared row blocks of A, fixed rectangles
   * for deep K,
   * few-row column chunks, batches spread over matrices) with an odd thread count, so splits are
   * uneven.
   */
  @Test
  void threadedPathsMatchTheReference() {
    assumeNotTheReference();
    int before = KernelPool.shared().parallelism();
    KernelPool.setParallelism(3);
    try {
      check(false, false, 100, 150, 200, 1f, 0.5f, true, Activation.RELU);
      // split by rows: 2 row blocks, B kept per thread
      check(false, false, 300, 200, 1000, 1f, 0f, true, Activation.IDENTITY);
      // split by columns: 2 shared row blocks x 7 column blocks, threads meet on a row block
      // another thread is packing
      check(true, false, 64, 400, 4000, 1f, 0f, true, Activation.IDENTITY);
      check(false, true, 30, 700, 1500, 1f, 0f, false, Activation.IDENTITY);
      check(true, true, 130, 70, 90, 1f, 0f, false, Activation.IDENTITY);
      check(false, false, 20, 30, 5000, 1f, 1f, true, Activation.IDENTITY);
      check(false, false, 3, 3000, 200, 1f, 0f, true, Activation.IDENTITY);
      check(true, true, 2, 3000, 200, 1f, 0f, false, Activation.IDENTITY);
      checkBatched(false, false, 20, 40, 60, 50, false);
      checkBatched(true, false, 20, 40, 60, 50, true);
      checkBatched(false, true, 3, 200, 150, 100, false);
    } finally {
      KernelPool.setParallelism(before);
    }
  }

  /**
   * One row block of A and several column blocks of B on two and three threads, where each thread
   * packs A for itself and keeps it across its column blocks: odd sizes, partial panels and
   * strips, transposes, beta, bias, and the same shape twice with new data (a thread must not
   * reuse the previous product's packing).
   */
  @Test
  void privatePackedAPerThread() {
    assumeNotTheReference();
    int before = KernelPool.shared().parallelism();
    try {
      for (int threads : new int[] {2, 3}) {
        KernelPool.setParallelism(threads);
        check(false, false, 128, 256, 128, 1f, 0f, false, Activation.IDENTITY);
        check(false, false, 128, 256, 128, 1f, 0f, false, Activation.IDENTITY);
        check(true, false, 97, 301, 77, 1f, 0.5f, true, Activation.RELU);
        check(false, true, 61, 509, 250, -1f, 0f, true, Activation.IDENTITY);
        check(true, true, 133, 300, 100, 1f, 1f, false, Activation.IDENTITY);
      }
    } finally {
      KernelPool.setParallelism(before);
    }
  }

  /**
   * Backward through the public API: for {@code C = op(A)·op(B)} and {@code loss = sum(C ⊙ G)},
   * dA and dB are products with transposes, checked against float64 finite differences.
   */
  @Test
  void gradientsThroughTransposedProducts() {
    int m = 4;
    int n = 5;
    int k = 7;
    for (int t = 0; t < 4; t++) {
      boolean transA = (t & 1) != 0;
      boolean transB = (t & 2) != 0;
      Tensor a = uniform(stored(transA, m, k));
      Tensor b = uniform(stored(transB, k, n));
      Tensor g = uniform(m, n);
      Tensor c = zeros(m, n);
      Tensor gradA = zeros(a.shape());
      Tensor gradB = zeros(b.shape());
      if (transA) {
        gemm().gemm(transB, true, 1f, b, g, 0f, gradA);
      } else {
        gemm().gemm(false, !transB, 1f, g, b, 0f, gradA);
      }
      if (transB) {
        gemm().gemm(true, transA, 1f, g, a, 0f, gradB);
      } else {
        gemm().gemm(!transA, false, 1f, a, g, 0f, gradB);
      }
      double[] numericA = GradientCheck.numericalGradient(a, x -> {
        gemm().gemm(transA, transB, 1f, x, b, 0f, c);
        return GradientCheck.dot(c, g);
      }, 1e-2);
      double[] numericB = GradientCheck.numericalGradient(b, x -> {
        gemm().gemm(transA, transB, 1f, a, x, 0f, c);
        return GradientCheck.dot(c, g);
      }, 1e-2);
      String what = " transA=" + transA + " transB=" + transB;
      GradientCheck.assertGradient(numericA, gradA, 1e-3, 1e-3, "dA" + what);
      GradientCheck.assertGradient(numericB, gradB, 1e-3, 1e-3, "dB" + what);
    }
  }

  @Test
  void rejectsMismatchedShapes() {
    Tensor a = uniform(2, 4);
    Tensor c = zeros(2, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> gemm().gemm(false, false, 1f, a, uniform(5, 3), 0f, c));
    assertTrue(e.getMessage().startsWith("b: float32[5, 3] (expected: [4, N]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> gemm().gemm(false, true, 1f, a, uniform(4, 3), 0f, c));
    assertTrue(e.getMessage().contains("[N, 4]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> gemm().gemm(false, false, 1f, a, uniform(4, 3), 0f, uniform(3, 2)));
    assertTrue(e.getMessage().startsWith("c: float32[3, 2] (expected: [2, 3]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gemm().gemm(false, false, 1f, a,
        uniform(4, 3), 0f, c, uniform(2), Activation.RELU, 0f));
    assertTrue(e.getMessage().startsWith("bias: float32[2] (expected: [3]"), e.getMessage());
  }

  @Test
  void rejectsViewsWrongTypesAndAliasing() {
    Tensor a = uniform(4, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gemm()
        .gemm(false, false, 1f, a.transpose(0, 1), uniform(4, 3), 0f, zeros(2, 3)));
    assertTrue(e.getMessage().startsWith("a: ") && e.getMessage().contains("transpose flag"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gemm().gemm(false, false, 1f,
        track(Tensor.allocate(DType.INT8, 2, 4)), uniform(4, 3), 0f, zeros(2, 3)));
    assertTrue(e.getMessage().startsWith("a: int8[2, 4]"), e.getMessage());
    Tensor square = uniform(3, 3);
    e = assertThrows(IllegalArgumentException.class,
        () -> gemm().gemm(false, false, 1f, square, uniform(3, 3), 0f, square));
    assertTrue(e.getMessage().contains("overlaps a"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> gemm().batchedMatmul(false, false, uniform(2, 3, 4), uniform(3, 4, 5),
            zeros(2, 3, 5)));
    assertTrue(e.getMessage().startsWith("b: float32[3, 4, 5]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> gemm().batchedMatmul(false, false, uniform(2, 3, 4), uniform(4, 5),
            zeros(2, 5, 3)));
    assertTrue(e.getMessage().startsWith("c: float32[2, 5, 3] (expected: [2, 3, 5])"),
        e.getMessage());
  }
}
