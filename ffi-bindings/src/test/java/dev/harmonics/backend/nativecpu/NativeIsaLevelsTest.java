package dev.harmonics.backend.nativecpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.ffi.nativekernels.Isa;
import dev.harmonics.ffi.nativekernels.NativeKernels;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import dev.harmonics.testing.TensorAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C kernels at every instruction set level this CPU has (the conformance suites cover only the
 * level chosen at start-up): portable C, AVX2 and AVX-512 paths each against the reference, and
 * the int8 GEMM (AVX-512 VNNI where present) bit for bit, including K not a multiple of 4, the
 * int64 path for long sums and saturation.
 */
class NativeIsaLevelsTest {

  private static KernelProvider candidate;
  private static KernelProvider reference;
  private static NativeKernels nk;

  @BeforeAll
  static void setUp() {
    NativeCpuBackend.assumeAvailable();
    candidate = NativeCpuBackend.provider();
    reference = KernelProviders.of(Backend.REFERENCE);
    nk = NativeKernels.load();
  }

  @Test
  void theDescriptionNamesTheActiveLevel() {
    assertTrue(candidate.description().contains("ISA " + nk.activeIsa().id()),
        candidate.description());
    assertTrue(KernelProviders.availability(Backend.NATIVE_CPU).reason()
        .contains(nk.activeIsa().id()));
  }

  /**
   * Both ways C is treated: beta = 0.25 scales it first; beta = 0 has the first K block write C
   * without reading it, so C starts as NaN there and any element the kernel reads or misses shows.
   */
  @Test
  void sgemmMatchesTheReferenceAtEveryLevel() {
    // The last shape crosses every C block edge: M > 96 rows, K > 256, N > 1024 columns.
    int[][] shapes = {{1, 1, 1}, {5, 7, 3}, {13, 33, 65}, {97, 40, 300}, {130, 17, 9},
        {200, 1030, 260}};
    IsaLevels.atEveryLevel(nk, isa -> {
      RandomTensors random = new RandomTensors(7);
      for (int[] s : shapes) {
        for (int t = 0; t < 8; t++) {
          boolean ta = (t & 1) != 0;
          boolean tb = (t & 2) != 0;
          float beta = (t & 4) != 0 ? 0f : 0.25f;
          try (Tensor a = random.uniform(ta ? new int[] {s[2], s[0]} : new int[] {s[0], s[2]});
               Tensor b = random.uniform(tb ? new int[] {s[1], s[2]} : new int[] {s[2], s[1]});
               Tensor bias = random.uniform(s[1]);
               Tensor expected = random.uniform(s[0], s[1]);
               Tensor actual = Tensor.zeros(s[0], s[1])) {
            expected.copyTo(actual);
            if (beta == 0f) {
              actual.data().fill((byte) 0xFF);
            }
            reference.gemm().gemm(ta, tb, 0.5f, a, b, beta, expected, bias, Activation.RELU, 0f);
            candidate.gemm().gemm(ta, tb, 0.5f, a, b, beta, actual, bias, Activation.RELU, 0f);
            TensorAssertions.assertClose(expected, actual, 0.5 * s[2] * 4 * 0x1p-23 + 1e-5, 1e-5,
                isa.id() + " sgemm " + s[0] + "x" + s[2] + "x" + s[1] + " transA=" + ta
                    + " transB=" + tb + " beta=" + beta);
          }
        }
      }
    });
  }

  /**
   * {@code hn_sgemm_row_bias}: one bias value per row of C, added as the first K block is stored
   * (beta = 0, C starting as NaN) or after the product (beta = 0.25), with ReLU after it; the
   * expected values are the reference product plus the bias, then ReLU.
   */
  @Test
  void sgemmWithABiasPerRowMatchesTheReferenceAtEveryLevel() {
    int[][] shapes = {{1, 1, 1}, {5, 7, 3}, {13, 33, 65}, {97, 40, 300}, {200, 1030, 260}};
    IsaLevels.atEveryLevel(nk, isa -> {
      RandomTensors random = new RandomTensors(11);
      for (int[] s : shapes) {
        int m = s[0];
        int n = s[1];
        int k = s[2];
        for (float beta : new float[] {0f, 0.25f}) {
          try (Tensor a = random.uniform(m, k);
               Tensor b = random.uniform(k, n);
               Tensor rowBias = random.uniform(m);
               Tensor expected = random.uniform(m, n);
               Tensor actual = Tensor.zeros(m, n)) {
            expected.copyTo(actual);
            if (beta == 0f) {
              actual.data().fill((byte) 0xFF);
            }
            reference.gemm().gemm(false, false, 0.5f, a, b, beta, expected);
            for (int i = 0; i < m; i++) {
              for (int j = 0; j < n; j++) {
                float v = expected.getFlat((long) i * n + j) + rowBias.getFlat(i);
                expected.setFlat((long) i * n + j, Math.max(v, 0f));
              }
            }
            nk.sgemmRowBias(false, false, m, n, k, 0.5f, a.data(), k, b.data(), n, beta,
                actual.data(), n, rowBias.data(), 1, 0f);
            TensorAssertions.assertClose(expected, actual, 0.5 * k * 4 * 0x1p-23 + 1e-5, 1e-5,
                isa.id() + " sgemm_row_bias " + m + "x" + k + "x" + n + " beta=" + beta);
          }
        }
      }
    });
  }

  @Test
  void batchedMatmulOfManySmallEntriesMatchesTheReference() {
    // 64 entries of 16x20x24: small each, so whole entries are spread over the pool.
    IsaLevels.atEveryLevel(nk, isa -> {
      RandomTensors random = new RandomTensors(5);
      try (Tensor a = random.uniform(64, 16, 20);
           Tensor b = random.uniform(64, 24, 20);
           Tensor expected = Tensor.zeros(64, 16, 24);
           Tensor actual = Tensor.zeros(64, 16, 24)) {
        reference.gemm().batchedMatmul(false, true, a, b, expected);
        candidate.gemm().batchedMatmul(false, true, a, b, actual);
        TensorAssertions.assertClose(expected, actual, 20 * 4 * 0x1p-23 + 1e-5, 1e-5,
            isa.id() + " batched matmul");
      }
    });
  }

  @Test
  void int8GemmIsExactAtEveryLevel() {
    int[][] shapes = {{1, 1, 1}, {3, 5, 2}, {9, 33, 7}, {17, 65, 130}, {64, 31, 256}};
    IsaLevels.atEveryLevel(nk, isa -> {
      RandomTensors random = new RandomTensors(11);
      for (int[] s : shapes) {
        try (Tensor a = random.int8(s[0], s[2]);
             Tensor b = random.int8(s[2], s[1]);
             Tensor expected = Tensor.allocate(DType.INT32, s[0], s[1]);
             Tensor actual = Tensor.allocate(DType.INT32, s[0], s[1])) {
          reference.quant().gemmInt8(a, b, expected);
          candidate.quant().gemmInt8(a, b, actual);
          assertArrayEquals(expected.toIntArray(), actual.toIntArray(),
              isa.id() + " int8 gemm " + s[0] + "x" + s[2] + "x" + s[1]);
        }
      }
    });
  }

  @Test
  void extremeInt8ValuesAreExactAndLongSumsSaturate() {
    // -128 * -128 products: the unsigned-times-signed trick of VNNI meets its largest correction.
    int k = 140_000;
    byte[] lows = new byte[k];
    java.util.Arrays.fill(lows, (byte) -128);
    IsaLevels.atEveryLevel(nk, isa -> {
      try (Tensor a = Tensor.ofBytes(lows, 1, k);
           Tensor b = Tensor.ofBytes(lows, k, 1);
           Tensor c = Tensor.allocate(DType.INT32, 1, 1)) {
        candidate.quant().gemmInt8(a, b, c);
        assertEquals(Integer.MAX_VALUE, c.getIntFlat(0), isa.id() + ": 140000 * 16384 saturates");
      }
      try (Tensor a = Tensor.ofBytes(java.util.Arrays.copyOf(lows, 64), 2, 32);
           Tensor b = Tensor.ofBytes(java.util.Arrays.copyOf(lows, 96), 32, 3);
           Tensor c = Tensor.allocate(DType.INT32, 2, 3)) {
        candidate.quant().gemmInt8(a, b, c);
        assertArrayEquals(new int[] {524288, 524288, 524288, 524288, 524288, 524288},
            c.toIntArray(), isa.id() + ": 32 * (-128 * -128)");
      }
    });
  }

  @Test
  void pointwiseSoftmaxNormAndAdamMatchTheReferenceAtEveryLevel() {
    IsaLevels.atEveryLevel(nk, isa -> {
      RandomTensors random = new RandomTensors(3);
      try (Tensor x = random.uniform(-8f, 8f, 7, 33);
           Tensor expected = Tensor.zeros(7, 33);
           Tensor actual = Tensor.zeros(7, 33);
           Tensor gamma = random.uniform(33);
           Tensor beta = random.uniform(33)) {
        reference.activations().forward(Activation.LEAKY_RELU, 0.1f, x, expected);
        candidate.activations().forward(Activation.LEAKY_RELU, 0.1f, x, actual);
        TensorAssertions.assertClose(expected, actual, 0, 0, isa.id() + " leaky relu");
        reference.softmax().logSoftmax(x, -1, expected);
        candidate.softmax().logSoftmax(x, -1, actual);
        TensorAssertions.assertClose(expected, actual, 2e-5, 1e-6, isa.id() + " log softmax");
        reference.softmax().softmax(x, -1, expected);
        candidate.softmax().softmax(x, -1, actual);
        TensorAssertions.assertClose(expected, actual, 1e-9, 2e-5, isa.id() + " softmax");
        reference.norm().layerNormForward(x, gamma, beta, 1e-5f, expected, null, null);
        candidate.norm().layerNormForward(x, gamma, beta, 1e-5f, actual, null, null);
        TensorAssertions.assertClose(expected, actual, 2e-5, 2e-5, isa.id() + " layer norm");
      }
      try (Tensor p1 = random.uniform(1000);
           Tensor p2 = Tensor.zeros(1000);
           Tensor g = random.uniform(1000);
           Tensor m1 = Tensor.zeros(1000);
           Tensor m2 = Tensor.zeros(1000);
           Tensor v1 = Tensor.zeros(1000);
           Tensor v2 = Tensor.zeros(1000)) {
        p1.copyTo(p2);
        AdamConfig config = AdamConfig.adamW(1e-2, 0.01);
        for (int step = 1; step <= 3; step++) {
          reference.optimizers().adam(config, step, p1, g, m1, v1);
          candidate.optimizers().adam(config, step, p2, g, m2, v2);
        }
        TensorAssertions.assertClose(p1, p2, 2e-6, 2e-6, isa.id() + " adamw");
      }
    });
  }

  /** More than 4 MB per pool thread, so the streaming-store paths run; odd, so a tail remains. */
  private static final int LARGE = 3 * 1024 * 1024 + 37;

  /**
   * Random values with NaN, signed zeros, the smallest subnormals and infinities at the ends, at
   * the unaligned start of the second thread's half and in the tail.
   */
  private static float[] largeValues(long seed) {
    float[] values = new float[LARGE];
    java.util.Random random = new java.util.Random(seed);
    for (int i = 0; i < LARGE; i++) {
      values[i] = random.nextFloat() * 16f - 8f;
    }
    int[] specials = {0, 1, 15, 16, 17, LARGE / 2 - 1, LARGE / 2, LARGE / 2 + 1, LARGE - 17,
        LARGE - 2, LARGE - 1};
    float[] kinds = {Float.NaN, -0f, 0f, -Float.MIN_VALUE, Float.MIN_VALUE,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
    for (int i = 0; i < specials.length; i++) {
      values[specials[i]] = kinds[(int) ((i + seed) % kinds.length)];
    }
    return values;
  }

  private static void assertSameBits(Tensor expected, Tensor actual, String what) {
    float[] want = expected.toFloatArray();
    float[] got = actual.toFloatArray();
    for (int i = 0; i < want.length; i++) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        throw new AssertionError(what + " at " + i + ": " + got[i] + " (expected: " + want[i]
            + ")");
      }
    }
  }

  @Test
  void reluOfLargeTensorsMatchesTheReferenceBitForBitAtEveryLevel() {
    float[] values = largeValues(5);
    IsaLevels.atEveryLevel(nk, isa -> {
      try (Tensor x = Tensor.of(values, LARGE);
           Tensor expected = Tensor.zeros(LARGE);
           Tensor actual = Tensor.zeros(LARGE)) {
        reference.activations().forward(Activation.RELU, 0f, x, expected);
        candidate.activations().forward(Activation.RELU, 0f, x, actual);
        assertSameBits(expected, actual, isa.id() + " relu");
      }
    });
  }

  @Test
  void addOfLargeTensorsMatchesTheReferenceBitForBitAtEveryLevel() {
    float[] left = largeValues(6);
    float[] right = largeValues(9);
    IsaLevels.atEveryLevel(nk, isa -> {
      try (Tensor a = Tensor.of(left, LARGE);
           Tensor b = Tensor.of(right, LARGE);
           Tensor expected = Tensor.zeros(LARGE);
           Tensor actual = Tensor.zeros(LARGE)) {
        reference.elementwise().add(a, b, expected);
        candidate.elementwise().add(a, b, actual);
        assertSameBits(expected, actual, isa.id() + " add");
        candidate.elementwise().add(a, b, a);
        assertSameBits(expected, a, isa.id() + " add into a");
      }
    });
  }
}
