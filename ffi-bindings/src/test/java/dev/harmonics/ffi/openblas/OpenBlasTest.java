package dev.harmonics.ffi.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenBLAS against the reference GEMM. Tolerance as in the GEMM conformance suite: {@code |alpha|
 * · K · 4 · 2^-23 + 1e-5} absolute, {@code 1e-5} relative, since OpenBLAS sums in float32 in its
 * own order.
 */
class OpenBlasTest {

  private final RandomTensors random = new RandomTensors(0x0b1a5L);
  private final List<Tensor> tensors = new ArrayList<>();
  private final GemmKernels reference = KernelProviders.of(Backend.REFERENCE).gemm();

  @AfterEach
  void closeTensors() {
    tensors.forEach(Tensor::close);
    tensors.clear();
  }

  private Tensor track(Tensor t) {
    tensors.add(t);
    return t;
  }

  private static int[] stored(boolean trans, int rows, int cols) {
    return trans ? new int[] {cols, rows} : new int[] {rows, cols};
  }

  @Test
  void isAvailableWithTheJarOnTheClassPath() {
    assertTrue(OpenBlas.availability().available(), OpenBlas.availability().reason());
    assertFalse(OpenBlas.load().coreName().isBlank());
  }

  @Test
  void sgemmMatchesTheReferenceOnOddShapes() {
    OpenBlas blas = OpenBlas.load();
    int[][] shapes = {{1, 1, 1}, {3, 17, 33}, {65, 127, 257}, {127, 3, 65}, {17, 257, 1},
        {33, 65, 127}, {300, 400, 500}};
    float[][] alphaBeta = {{1f, 0f}, {0.5f, 2f}, {-1.25f, 1f}};
    int round = 0;
    for (int[] shape : shapes) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      for (int t = 0; t < 4; t++) {
        boolean transA = (t & 1) != 0;
        boolean transB = (t & 2) != 0;
        float[] ab = alphaBeta[round++ % alphaBeta.length];
        Tensor a = track(random.uniform(stored(transA, m, k)));
        Tensor b = track(random.uniform(stored(transB, k, n)));
        Tensor expected = track(random.uniform(m, n));
        Tensor actual = track(Tensor.zeros(m, n));
        expected.copyTo(actual);
        reference.gemm(transA, transB, ab[0], a, b, ab[1], expected);
        blas.sgemm(transA, transB, m, n, k, ab[0], a.data(), a.dim(1), b.data(), b.dim(1), ab[1],
            actual.data(), n);
        TensorAssertions.assertClose(expected, actual, Math.abs(ab[0]) * k * 4 * 0x1p-23 + 1e-5,
            1e-5, "sgemm " + m + "x" + k + "x" + n + " transA=" + transA + " transB=" + transB);
      }
    }
  }

  @Test
  void leadingDimensionsWiderThanTheMatrix() {
    OpenBlas blas = OpenBlas.load();
    int m = 5;
    int n = 7;
    int k = 9;
    int lda = 12;
    int ldc = 10;
    Tensor a = track(random.uniform(m, k));
    Tensor b = track(random.uniform(k, n));
    Tensor expected = track(Tensor.zeros(m, n));
    reference.gemm(false, false, 1f, a, b, 0f, expected);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment paddedA = arena.allocate((long) m * lda * Float.BYTES);
      MemorySegment paddedC = arena.allocate((long) m * ldc * Float.BYTES);
      for (int i = 0; i < m; i++) {
        MemorySegment.copy(a.data(), (long) i * k * Float.BYTES, paddedA,
            (long) i * lda * Float.BYTES, (long) k * Float.BYTES);
      }
      blas.sgemm(false, false, m, n, k, 1f, paddedA, lda, b.data(), n, 0f, paddedC, ldc);
      float[] got = new float[m * n];
      for (int i = 0; i < m; i++) {
        MemorySegment.copy(paddedC, ValueLayout.JAVA_FLOAT, (long) i * ldc * Float.BYTES, got,
            i * n, n);
      }
      TensorAssertions.assertClose(expected.toFloatArray(), got, 1e-5, 1e-5, "padded rows");
    }
  }

  @Test
  void threadCountCanBeSetAndRead() {
    OpenBlas blas = OpenBlas.load();
    int before = blas.numThreads();
    try {
      blas.setThreads(1);
      assertEquals(1, blas.numThreads());
    } finally {
      blas.setThreads(before);
    }
    assertEquals(before, blas.numThreads());
    assertThrows(IllegalArgumentException.class, () -> blas.setThreads(0));
  }

  @Test
  void rejectsHeapAndShortSegments() {
    OpenBlas blas = OpenBlas.load();
    Tensor a = track(Tensor.zeros(4, 4));
    Tensor c = track(Tensor.zeros(4, 4));
    MemorySegment heap = MemorySegment.ofArray(new float[16]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> blas.sgemm(false, false, 4, 4, 4, 1f, a.data(), 4, heap, 4, 0f, c.data(), 4));
    assertTrue(e.getMessage().startsWith("b: a heap segment"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> blas.sgemm(false, false, 5, 4, 4, 1f, a.data(), 4, a.data(), 4, 0f, c.data(), 4));
    assertTrue(e.getMessage().startsWith("a: 64 bytes (expected: >= 80"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> blas.sgemm(false, false, 4, 4, 4, 1f, a.data(), 3, a.data(), 4, 0f, c.data(), 4));
    assertTrue(e.getMessage().startsWith("lda: 3"), e.getMessage());
  }
}
