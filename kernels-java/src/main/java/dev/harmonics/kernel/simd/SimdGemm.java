package dev.harmonics.kernel.simd;

import dev.harmonics.concurrent.KernelPool;
import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;

/**
 * Vector API GEMM. Up to {@link SkinnyGemm#MAX_ROWS} rows stream B without packing; anything larger
 * goes through the packed, cache-blocked {@link GemmDriver}. Both finish C through {@link
 * GemmEpilogue}, so bias and activation cost no extra pass over C.
 */
final class SimdGemm extends GemmKernels {

  /** A batch of matrices smaller than this is parallelised across matrices, not inside each. */
  private static final long BATCH_PARALLEL_MAX_FLOPS = 1L << 24;

  private static final float[] ZEROS = new float[GemmMicroKernel.NR];

  @Override
  protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c, Tensor bias, Activation activation,
      float activationAlpha) {
    if (m == 0 || n == 0) {
      return;
    }
    float[] biasValues = bias == null ? null : bias.toFloatArray();
    GemmEpilogue out =
        new GemmEpilogue(c.data(), 0, n, alpha, beta, biasValues, activation, activationAlpha);
    multiply(transA, transB, m, n, k, alpha, a.data(), 0, b.data(), 0, out, true);
  }

  @Override
  protected void doBatchedMatmul(boolean transA, boolean transB, int batch, int m, int n, int k,
      Tensor a, Tensor b, boolean broadcastB, Tensor c) {
    if (batch == 0 || m == 0 || n == 0) {
      return;
    }
    MemorySegment as = a.data();
    MemorySegment bs = b.data();
    GemmEpilogue out = new GemmEpilogue(c.data(), 0, n, 1f, 0f, null, Activation.IDENTITY, 0f);
    if (broadcastB && !transA) {
      // Stacked rows of A times one B is a single taller GEMM, packing B once.
      multiply(false, transB, batch * m, n, k, 1f, as, 0, bs, 0, out, true);
      return;
    }
    long flopsEach = 2L * m * n * k;
    int threads = KernelPool.shared().parallelism();
    boolean acrossMatrices = flopsEach < BATCH_PARALLEL_MAX_FLOPS || batch >= 4 * threads;
    IntConsumer matrix = i -> {
      long bBase = broadcastB ? 0 : (long) i * k * n;
      multiply(transA, transB, m, n, k, 1f, as, (long) i * m * k, bs, bBase,
          out.at((long) i * m * n), !acrossMatrices);
    };
    if (acrossMatrices && threads > 1 && flopsEach * batch >= GemmDriver.PARALLEL_MIN_FLOPS) {
      GemmDriver.forEachShared(batch, threads, matrix);
    } else {
      for (int i = 0; i < batch; i++) {
        matrix.accept(i);
      }
    }
  }

  /** One product into {@code out}, dispatched on its shape. */
  private static void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
      MemorySegment a, long aBase, MemorySegment b, long bBase, GemmEpilogue out,
      boolean parallel) {
    if (alpha == 0f || k == 0) {
      out.scaleOnly(m, n, ZEROS);
    } else if (m <= SkinnyGemm.MAX_ROWS) {
      SkinnyGemm.multiply(transA, transB, m, n, k, a, aBase, b, bBase, out, parallel);
    } else {
      GemmDriver.multiply(GemmOperand.floats(a, aBase, transA ? m : k, transA),
          GemmOperand.floats(b, bBase, transB ? k : n, transB), m, n, k, out, parallel,
          GemmDriver.FLOAT_DEPTH);
    }
  }
}
