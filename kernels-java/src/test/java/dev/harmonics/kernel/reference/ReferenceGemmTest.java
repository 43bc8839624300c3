package dev.harmonics.kernel.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harmonics.kernel.Activation;
import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.GemmConformance;
import dev.harmonics.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The suite run on the reference itself (gradients, NaN rules), plus hand-computed products. */
class ReferenceGemmTest extends GemmConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  @Test
  void handComputedProducts() {
    try (Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        Tensor c = Tensor.of(new float[] {1, 1, 1, 1}, 2, 2);
        Tensor bias = Tensor.of(new float[] {-100, 0.5f}, 2);
        Tensor batchA = Tensor.of(new float[] {1, 0, 0, 1, 2, 0, 0, 2}, 2, 2, 2);
        Tensor batchC = Tensor.zeros(2, 2, 2)) {
      // [1 2 3; 4 5 6] x [7 8; 9 10; 11 12] = [58 64; 139 154]
      candidate().gemm().gemm(false, false, 1f, a, b, 0f, c);
      assertArrayEquals(new float[] {58, 64, 139, 154}, c.toFloatArray());
      // 0.5 * A B + 2 * C = [29+116 32+128; ...]
      candidate().gemm().gemm(false, false, 0.5f, a, b, 2f, c);
      assertArrayEquals(new float[] {145, 160, 347.5f, 385}, c.toFloatArray());
      // A^T stored as b^T: (B^T)(A^T) = (AB)^T, then bias and ReLU
      candidate().gemm().gemm(true, true, 1f, b, a, 0f, c, bias, Activation.RELU, 0f);
      assertArrayEquals(new float[] {0, 139.5f, 0, 154.5f}, c.toFloatArray());
      // batch 0 is the identity, batch 1 twice the identity, times the shared [58 64; 139 154]
      try (Tensor shared = Tensor.of(new float[] {58, 64, 139, 154}, 2, 2)) {
        candidate().gemm().batchedMatmul(false, false, batchA, shared, batchC);
      }
      assertArrayEquals(new float[] {58, 64, 139, 154, 116, 128, 278, 308},
          batchC.toFloatArray());
    }
  }
}
