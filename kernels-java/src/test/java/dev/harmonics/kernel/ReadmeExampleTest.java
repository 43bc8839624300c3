package dev.harmonics.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.harmonics.tensor.Tensor;
import dev.harmonics.testing.RandomTensors;
import org.junit.jupiter.api.Test;

/** The README's example, kept compiling and correct: a dense layer with ReLU, then a softmax. */
class ReadmeExampleTest {

  @Test
  void denseReluSoftmaxRowsSumToOne() {
    float[] values = new RandomTensors(7).uniformArray(64 * 784, 0f, 1f);
    KernelProvider k = KernelProviders.get();
    try (Tensor x = Tensor.of(values, 64, 784);
        Tensor w = new RandomTensors(8).uniform(-0.05f, 0.05f, 784, 256);
        Tensor b = Tensor.zeros(256);
        Tensor h = Tensor.zeros(64, 256)) {
      k.gemm().gemm(false, false, 1f, x, w, 0f, h, b, Activation.RELU, 0f);
      k.softmax().softmax(h, -1, h);
      for (int row = 0; row < 64; row++) {
        double sum = 0;
        for (int col = 0; col < 256; col++) {
          sum += h.get(row, col);
        }
        assertEquals(1.0, sum, 1e-4, "row " + row);
      }
    }
  }
}
