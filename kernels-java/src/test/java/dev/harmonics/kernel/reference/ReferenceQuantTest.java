package dev.harmonics.kernel.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.harmonics.kernel.Backend;
import dev.harmonics.kernel.KernelProvider;
import dev.harmonics.kernel.KernelProviders;
import dev.harmonics.kernel.conformance.QuantConformance;
import dev.harmonics.tensor.DType;
import dev.harmonics.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The suite run on the reference itself, plus hand-computed values. */
class ReferenceQuantTest extends QuantConformance {

  @Override
  protected KernelProvider candidate() {
    return KernelProviders.of(Backend.REFERENCE);
  }

  @Test
  void handComputedValues() {
    try (Tensor x = Tensor.of(new float[] {-1f, 0f, 0.3f, 2f}, 4);
        Tensor q = Tensor.allocate(DType.INT8, 4);
        Tensor back = Tensor.zeros(4);
        Tensor a = Tensor.ofBytes(new byte[] {1, -2, 3, 4}, 2, 2);
        Tensor b = Tensor.ofBytes(new byte[] {5, 6, -7, 8}, 2, 2);
        Tensor c = Tensor.allocate(DType.INT32, 2, 2)) {
      // x / 0.1 = -10, 0, 3, 20; plus zero point 10
      candidate().quant().quantize(x, 0.1f, 10, q);
      assertArrayEquals(new byte[] {0, 10, 13, 30}, q.toByteArray());
      candidate().quant().dequantize(q, 0.1f, 10, back);
      assertArrayEquals(new float[] {-10 * 0.1f, 0f, 3 * 0.1f, 20 * 0.1f}, back.toFloatArray());
      // [1 -2; 3 4] x [5 6; -7 8] = [19 -10; -13 50]
      candidate().quant().gemmInt8(a, b, c);
      assertArrayEquals(new int[] {19, -10, -13, 50}, c.toIntArray());
    }
  }
}
