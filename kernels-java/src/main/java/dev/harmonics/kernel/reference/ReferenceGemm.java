package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.GemmKernels;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Plain-Java GEMM: the ground truth in tests. Every output element is one dot product summed in
 * double, combined with alpha, beta and the bias in double, and rounded to float once before the
 * activation (which {@link Activation#apply} itself computes in double).
 */
final class ReferenceGemm extends GemmKernels {

  @Override
  protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c, Tensor bias, Activation activation,
      float activationAlpha) {
    float[] biasValues = bias == null ? null : bias.toFloatArray();
    multiply(transA, transB, m, n, k, alpha, a.data(), 0, b.data(), 0, beta, c.data(), 0,
        biasValues, activation, activationAlpha);
  }

  @Override
  protected void doBatchedMatmul(boolean transA, boolean transB, int batch, int m, int n, int k,
      Tensor a, Tensor b, boolean broadcastB, Tensor c) {
    for (int i = 0; i < batch; i++) {
      multiply(transA, transB, m, n, k, 1f, a.data(), (long) i * m * k, b.data(),
          broadcastB ? 0 : (long) i * k * n, 0f, c.data(), (long) i * m * n, null,
          Activation.IDENTITY, 0f);
    }
  }

  /** One matrix product over element offsets {@code aBase}, {@code bBase}, {@code cBase}. */
  private static void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
      MemorySegment a, long aBase, MemorySegment b, long bBase, float beta, MemorySegment c,
      long cBase, float[] bias, Activation activation, float activationAlpha) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double value = 0;
        if (alpha != 0) {
          double sum = 0;
          for (int p = 0; p < k; p++) {
            long ai = transA ? (long) p * m + i : (long) i * k + p;
            long bi = transB ? (long) j * k + p : (long) p * n + j;
            sum += (double) get(a, aBase + ai) * get(b, bBase + bi);
          }
          value = alpha * sum;
        }
        long ci = cBase + (long) i * n + j;
        if (beta != 0) {
          value += (double) beta * get(c, ci);
        }
        if (bias != null) {
          value += bias[j];
        }
        c.setAtIndex(ValueLayout.JAVA_FLOAT, ci, activation.apply((float) value, activationAlpha));
      }
    }
  }

  private static float get(MemorySegment segment, long index) {
    return segment.getAtIndex(ValueLayout.JAVA_FLOAT, index);
  }
}
